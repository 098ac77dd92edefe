import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createLineDown } from './line-down.js';

function setup(transferTo: string | undefined, failSpeak = false) {
  const steps: string[] = [];
  const lineDown = createLineDown({
    speaker: {
      prepare: () => undefined,
      release: () => undefined,
      play: (room) => {
        const done = failSpeak
          ? Promise.reject(new Error('no media'))
          : Promise.resolve(void steps.push(`speak ${room}`));
        return { done, stop: async () => undefined, send: async () => undefined };
      },
    },
    clip: async () => ({ samples: new Int16Array(160), sampleRate: 8000 }),
    hangUp: async (room, identity) => void steps.push(`hang up ${room} ${identity}`),
    transferTo,
    transfer: async (room, _identity, to) => void steps.push(`transfer ${room} ${to}`),
    logger: pino({ level: 'silent' }),
  });
  return { lineDown, steps };
}

describe('line down', () => {
  it('apologises, then hangs up', async () => {
    const { lineDown, steps } = setup(undefined);
    await lineDown('call-1', 'sip_1');
    expect(steps).toEqual(['speak call-1', 'hang up call-1 sip_1']);
  });

  it('apologises, then transfers to the human line when one is configured', async () => {
    const { lineDown, steps } = setup('tel:+15550100200');
    await lineDown('call-1', 'sip_1');
    expect(steps).toEqual(['speak call-1', 'transfer call-1 tel:+15550100200']);
  });

  it('still ends the call when the apology cannot be played', async () => {
    const { lineDown, steps } = setup(undefined, true);
    await lineDown('call-1', 'sip_1');
    expect(steps).toEqual(['hang up call-1 sip_1']);
  });
});
