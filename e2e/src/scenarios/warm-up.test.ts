// Calls while the agent worker is still warming its job processes. The stack is started without
// waiting for the warm pool (the worker is registered, its job processes are still starting), and
// calls come at once: each is answered within 3 s of its INVITE and greets within 2 s of the 200 OK,
// or the caller hears the queue message within 3 s; none rings in silence.
// Run with `npm run test:e2e -- warm-up`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredAndHeard, startHarness, type Harness } from '../harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    name: 'warm-up',
    skipWarmWait: true,
    env: { AGENT_NUM_IDLE_PROCESSES: '2' },
  });
});

afterAll(async () => {
  await harness?.close();
});

const clock = () => performance.timeOrigin + performance.now();

describe('calls while the job processes warm', () => {
  it('are answered within 3 s and greet within 2 s of the answer', async () => {
    const calls = [0, 1].map((index) => {
      const base = 47_000 + index * 20;
      const caller = harness.caller({
        from: `+1415555017${index}`,
        rtpPorts: { min: base, max: base + 19 },
      });
      return { call: caller.call({ answerTimeoutMs: 20_000 }), invitedAt: clock() };
    });
    const results = await Promise.all(
      calls.map(async ({ call, invitedAt }) => {
        const { answeredAt, heardAt } = await answeredAndHeard(call, 10_000, 'the greeting');
        return { answerMs: answeredAt - invitedAt, greetingMs: heardAt - answeredAt };
      }),
    );
    console.info(
      `calls during warm-up: ${results.map((r) => `answered ${r.answerMs.toFixed(0)} ms, greeting ${r.greetingMs.toFixed(0)} ms after the 200 OK`).join('; ')}`,
    );
    for (const { answerMs, greetingMs } of results) {
      expect(answerMs).toBeLessThan(3_000);
      expect(greetingMs).toBeLessThan(2_000);
    }
    await harness.closeCallers();
  }, 60_000);
});
