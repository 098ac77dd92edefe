// A burst: twice the box's capacity in calls, arriving within one second. Capacity C is one worker
// at AGENT_MAX_CALLS=C; each of the 2C callers hears, within 3 s of their INVITE, the agent (its
// greeting, or its recorded "Hello!" while the session starts) or the queue message: none hears
// ringing or silence. Run with `npm run test:e2e -- burst`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredAndHeard, eventually, ROOT, startHarness, type Harness } from '../harness.js';

const CAPACITY = 2;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    name: 'burst',
    env: { AGENT_MAX_CALLS: String(CAPACITY), AGENT_NUM_IDLE_PROCESSES: String(CAPACITY) },
  });
});

afterAll(async () => {
  await harness?.close();
});

const clock = () => performance.timeOrigin + performance.now();

function logLines(prefix: string, message: string): number {
  return readFileSync(join(ROOT, 'test-artifacts/e2e/burst.stack.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix) && line.includes(`"msg":"${message}"`)).length;
}

describe('a burst of twice the capacity within one second', () => {
  it('lets every caller hear the agent or the queue message within 3 s', async () => {
    const calls = [];
    const spacingMs = 1_000 / (2 * CAPACITY);
    for (let index = 0; index < 2 * CAPACITY; index += 1) {
      const base = 48_000 + index * 20;
      const caller = harness.caller({
        from: `+1415555016${index}`,
        rtpPorts: { min: base, max: base + 19 },
      });
      calls.push({ call: caller.call({ answerTimeoutMs: 15_000 }), invitedAt: clock() });
      await new Promise((resolve) => setTimeout(resolve, spacingMs));
    }
    const heard = await Promise.all(
      calls.map(async ({ call, invitedAt }) => (await answeredAndHeard(call)).heardAt - invitedAt),
    );
    // Every agent the burst got has started its call by now (or the queue holds its caller).
    await eventually(
      () => logLines('[agent]', 'call started') >= CAPACITY || undefined,
      15_000,
      'the agents to start',
    );
    const queued = logLines('[switchboard]', 'caller queued');
    console.info(
      `burst of ${2 * CAPACITY} calls at capacity ${CAPACITY}: first audio ${heard.map((ms) => ms.toFixed(0)).join(' / ')} ms after the INVITE; ${queued} queued`,
    );
    for (const ms of heard) expect(ms).toBeLessThan(3_000);
    // Past the capacity, callers were queued rather than given an agent that could not keep up.
    expect(queued).toBeGreaterThanOrEqual(CAPACITY);
    await harness.closeCallers();
  }, 60_000);
});
