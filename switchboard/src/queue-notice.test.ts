import { decodeAgentEvent } from '@ecommerce-voicebot/contracts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createQueueAnnouncer, queueEventOf } from './queue-notice.js';
import type { Playback } from './room-speaker.js';

function playback(fail = false) {
  const sent: { payload: Uint8Array; topic: string }[] = [];
  const voice: Playback = {
    done: Promise.resolve(),
    stop: async () => undefined,
    send: async (payload, topic) => {
      if (fail) throw new Error('left');
      sent.push({ payload, topic });
    },
  };
  return { voice, sent };
}

describe('queue notices', () => {
  it('are agent.events queue messages the tester page accepts', () => {
    const event = queueEventOf({ state: 'waiting', position: 2, waitedMs: 1_234.5 }, 1_000);
    expect(event).toEqual({
      type: 'queue',
      v: 1,
      at: 1_000,
      state: 'waiting',
      position: 2,
      waitedMs: 1_235,
    });
    expect(queueEventOf({ state: 'full' }, 1_000)).toEqual({
      type: 'queue',
      v: 1,
      at: 1_000,
      state: 'full',
    });
  });

  it('are sent on the agent.events topic by the voice in the room', async () => {
    const { voice, sent } = playback();
    const announce = createQueueAnnouncer({ logger: pino({ level: 'silent' }), now: () => 5_000 });
    announce('qa-1', voice, { state: 'waiting', position: 1, waitedMs: 0 });
    await Promise.resolve();
    expect(sent.map((each) => each.topic)).toEqual(['agent.events']);
    expect(decodeAgentEvent(sent[0]!.payload)).toEqual({
      ok: true,
      event: { type: 'queue', v: 1, at: 5_000, state: 'waiting', position: 1, waitedMs: 0 },
    });
  });

  it('are dropped quietly once the voice has left the room', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const { voice } = playback(true);
    createQueueAnnouncer({ logger })('qa-1', voice, { state: 'full' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('')).toContain('queue notice not sent');
  });
});
