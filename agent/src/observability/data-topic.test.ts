import type { LocalParticipant } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  AGENT_EVENTS_TOPIC,
  createRoomPublisher,
  encodeAgentEvent,
  type AgentEventMessage,
  type DataPublishingParticipant,
  type ToolCallMessage,
} from './data-topic.js';
import { FakeLogger } from '../testing/fake-logger.js';

type PublishOptions = Parameters<LocalParticipant['publishData']>[1];

/** A local participant that records what it is asked to send; each send can be held or failed. */
class FakeLocalParticipant implements DataPublishingParticipant {
  readonly sent: Array<{ message: any; options: PublishOptions }> = [];
  /** Sends in flight, oldest first. */
  readonly inFlight: Array<{ release: () => void; fail: (error: Error) => void }> = [];
  hold = false;
  failWith: Error | undefined;
  throwSync: Error | undefined;

  publishData(data: Uint8Array, options: PublishOptions): Promise<void> {
    if (this.throwSync !== undefined) throw this.throwSync;
    const message = JSON.parse(new TextDecoder().decode(data));
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    if (!this.hold) {
      this.sent.push({ message, options });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.inFlight.push({
        release: () => {
          this.sent.push({ message, options });
          resolve();
        },
        fail: reject,
      });
    });
  }
}

// The real rtc-node participant fits the publisher (compile-time check).
const _real: DataPublishingParticipant = null as unknown as LocalParticipant;
void _real;

const toolCall = (overrides: Partial<ToolCallMessage> = {}): ToolCallMessage => ({
  type: 'tool_call',
  v: 1,
  at: 1_000,
  callId: 'call_1',
  name: 'get_order_status',
  args: { order_id: 'O9002' },
  status: 'ok',
  durationMs: 120,
  result: { order_status: 'Shipped' },
  ...overrides,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createRoomPublisher', () => {
  it('sends each message as reliable JSON on the agent.events topic', async () => {
    const participant = new FakeLocalParticipant();
    const publisher = createRoomPublisher(participant, { logger: new FakeLogger() });
    const messages: AgentEventMessage[] = [
      { type: 'agent_state', v: 1, at: 1, state: 'thinking' },
      toolCall(),
      {
        type: 'latency',
        v: 1,
        at: 3,
        turn: 1,
        eouDelayMs: 500,
        endOfSpeechToFirstAudioMs: 900,
        ttftMs: 400,
        toolMs: 120,
      },
      { type: 'call_ended', v: 1, at: 4, reason: 'participant_disconnected' },
    ];
    for (const message of messages) publisher.publish(message);
    await publisher.flush();

    expect(AGENT_EVENTS_TOPIC).toBe('agent.events');
    expect(participant.sent.map((sent) => sent.options)).toEqual(
      messages.map(() => ({ reliable: true, topic: 'agent.events' })),
    );
    expect(participant.sent.map((sent) => sent.message)).toEqual(messages);
  });

  it('sends one message at a time, in order', async () => {
    const participant = new FakeLocalParticipant();
    participant.hold = true;
    const publisher = createRoomPublisher(participant, { logger: new FakeLogger() });
    publisher.publish({ type: 'agent_state', v: 1, at: 1, state: 'thinking' });
    publisher.publish({ type: 'agent_state', v: 1, at: 2, state: 'speaking' });
    await tick();
    expect(participant.inFlight).toHaveLength(1);
    participant.inFlight[0]?.release();
    await tick();
    expect(participant.inFlight).toHaveLength(2);
    participant.inFlight[1]?.release();
    await publisher.flush();
    expect(participant.sent.map((sent) => sent.message.state)).toEqual(['thinking', 'speaking']);
  });

  it('logs a failed send once, never throws, and keeps sending', async () => {
    const participant = new FakeLocalParticipant();
    const logger = new FakeLogger();
    const publisher = createRoomPublisher(participant, { logger });
    participant.failWith = new Error('engine: not connected');
    publisher.publish({ type: 'agent_state', v: 1, at: 1, state: 'thinking' });
    publisher.publish({ type: 'agent_state', v: 1, at: 2, state: 'speaking' });
    await publisher.flush();
    participant.failWith = undefined;
    participant.throwSync = new Error('ffi gone');
    expect(() =>
      publisher.publish({ type: 'call_ended', v: 1, at: 3, reason: 'room_closed' }),
    ).not.toThrow();
    await publisher.flush();
    participant.throwSync = undefined;
    publisher.publish({ type: 'call_ended', v: 1, at: 4, reason: 'room_closed' });
    await publisher.flush();

    expect(logger.at('warn')).toEqual([
      {
        level: 'warn',
        obj: {
          topic: 'agent.events',
          type: 'agent_state',
          failures: 1,
          err: 'engine: not connected',
        },
        msg: 'agent event publish failed',
      },
    ]);
    expect(logger.at('debug').map((entry) => entry.obj)).toMatchObject([
      { failures: 2 },
      { failures: 3, err: 'ffi gone' },
    ]);
    expect(participant.sent.map((sent) => sent.message.at)).toEqual([4]);
  });

  it('masks phone numbers in tool calls', async () => {
    const participant = new FakeLocalParticipant();
    const publisher = createRoomPublisher(participant, { logger: new FakeLogger() });
    publisher.publish(
      toolCall({
        name: 'get_caller_verification',
        args: { note: 'calling from +1 (415) 555-0100' },
        result: { verified: true, phone: '415-555-0101 ext. 22', order_date: '2026-11-02' },
        error: 'no customer with phone +14155550199',
      }),
    );
    await publisher.flush();
    const sent = participant.sent[0]?.message;
    expect(sent.args).toEqual({ note: 'calling from **********00' });
    expect(sent.result).toEqual({
      verified: true,
      phone: '**********22',
      order_date: '2026-11-02',
    });
    expect(sent.error).toBe('no customer with phone **********99');
  });

  it('replaces email addresses in tool calls, whoever built the message', async () => {
    const participant = new FakeLocalParticipant();
    const publisher = createRoomPublisher(participant, { logger: new FakeLogger() });
    publisher.publish(
      toolCall({
        name: 'verify_customer',
        args: { customer_id: 'C5000', email: 'ana.garcia@example.com' },
        result: { status: 'not_verified', note: 'ana.garcia@example.com' },
        error: 'no account for ana.garcia@example.com',
      }),
    );
    await publisher.flush();
    const sent = participant.sent[0]?.message;
    expect(sent.args).toEqual({ customer_id: 'C5000', email: '[email]' });
    expect(sent.result).toEqual({ status: 'not_verified', note: '[email]' });
    expect(sent.error).toBe('no account for [email]');
  });

  it('falls back to the framework logger when none is given', async () => {
    const participant = new FakeLocalParticipant();
    participant.failWith = new Error('down');
    // Without initializeLogger the framework has no logger yet: the failure is dropped quietly.
    const publisher = createRoomPublisher(participant);
    publisher.publish({ type: 'agent_state', v: 1, at: 1, state: 'idle' });
    await expect(publisher.flush()).resolves.toBe(undefined);
  });
});

describe('encodeAgentEvent', () => {
  it('cuts a tool result that would not fit in one data packet', () => {
    const rows = Array.from({ length: 400 }, (_, index) => ({
      product_id: `P${1000 + index}`,
      name: 'Wireless Noise-Cancelling Headphones — “Sonora” édition',
    }));
    const bytes = encodeAgentEvent(toolCall({ name: 'search_products', result: rows }), 4_000);
    expect(bytes.byteLength).toBeLessThanOrEqual(4_000);
    const message = JSON.parse(new TextDecoder().decode(bytes));
    expect(message).toMatchObject({
      type: 'tool_call',
      callId: 'call_1',
      name: 'search_products',
      args: { order_id: 'O9002' },
      truncated: true,
    });
    expect(typeof message.result).toBe('string');
    expect(JSON.stringify(rows).startsWith(message.result)).toBe(true);
  });

  it('leaves small messages whole', () => {
    const message = toolCall();
    expect(JSON.parse(new TextDecoder().decode(encodeAgentEvent(message)))).toEqual(message);
  });
});
