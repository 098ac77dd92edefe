// No worker left at all: nobody inside the workers can act, so the switchboard (outside them, on
// livekit-server's webhooks) answers the waiting caller with the recorded apology and ends the
// call within 15 s, instead of leaving it ringing. Run with `npm run test:e2e -- line-down`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredAndHeard, agentIdle, ROOT, startHarness, type Harness } from '../harness.js';

let harness: Harness;

beforeAll(async () => {
  // No human line: the apology ends the call (with TRANSFER_TO it transfers instead).
  harness = await startHarness({ name: 'line-down', env: { TRANSFER_TO: '' } });
});

afterAll(async () => {
  await harness?.close();
});

const clock = () => performance.timeOrigin + performance.now();

function lineDownLines(): string[] {
  return readFileSync(join(ROOT, 'test-artifacts/e2e/line-down.stack.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('[switchboard]') && line.includes('line is down'));
}

describe('the line', () => {
  it('leaves an answered call to the agent', async () => {
    const call = harness.caller().call();
    await call.answered;
    // Past the switchboard's first look (LINE_DOWN_AFTER_SECONDS, 4 s) with the agent talking.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(call.state).toBe('confirmed');
    expect(lineDownLines()).toEqual([]);
    await call.hangup();
  });

  it('tells a caller the line is down within 15 s when no worker is left', async () => {
    // The worker has no call left (a worker killed mid-call lingers in livekit-server for ~10 s
    // and counts as busy: its callers' failover is another matter).
    await agentIdle();
    const agent = harness.stack.processes.find((managed) => managed.name === 'agent')!;
    process.kill(-agent.child.pid!, 'SIGKILL');
    await agent.exited;
    // livekit-server drops the worker when its connection closes (at once for a killed process).
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const invitedAt = clock();
    const call = harness.caller().call({ answerTimeoutMs: 20_000 });
    const { answeredAt, heardAt } = await answeredAndHeard(call, 8_000, 'the apology');
    const end = await call.ended;
    console.info(
      `line down: answered ${(answeredAt - invitedAt).toFixed(0)} ms after the INVITE, apology ` +
        `heard after ${(heardAt - invitedAt).toFixed(0)} ms, call ended by the line after ` +
        `${(end.at - invitedAt).toFixed(0)} ms`,
    );
    expect(end.by).toBe('remote');
    expect(end.at - invitedAt).toBeLessThan(15_000);
    // The apology is ~5.6 s long: the call ended after it was played, not before.
    expect(end.at - heardAt).toBeGreaterThan(4_000);
    expect(lineDownLines()).toHaveLength(1);
    expect(end.at - heardAt).toBeLessThan(9_000);
  });
});
