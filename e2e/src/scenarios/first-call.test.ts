// The first callers after a start. A clean-clone CI run once left the first caller ringing:
// livekit-server gives no job to a worker that reports load 1, and the agents framework reported
// whole-machine CPU, exactly 1 on a 2-core box busy starting the stack. The worker now reports its
// share of its calls instead (agent/src/worker/call-load.ts). Here the machine is kept busy on
// both cores while the stack starts and the first calls arrive, and NUM_CPUS=0.01 makes the
// framework's CPU monitor read 1 whatever happens, so a worker that still reported CPU would get
// no call at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAudibleMs, type Call } from '@ecommerce-voicebot/sip-caller';
import { eventually, ROOT, startHarness, type Harness } from '../harness.js';

const BURN_SECONDS = 150;
let harness: Harness;
const burners: ChildProcess[] = [];

/** One busy loop per core, each ending by itself after BURN_SECONDS. */
function burnEveryCore(): void {
  for (let i = 0; i < cpus().length; i++) {
    burners.push(
      spawn(
        process.execPath,
        ['-e', `const end = Date.now() + ${BURN_SECONDS * 1000}; while (Date.now() < end);`],
        { stdio: 'ignore' },
      ),
    );
  }
}

beforeAll(async () => {
  burnEveryCore();
  harness = await startHarness({
    name: 'first-call',
    env: { NUM_CPUS: '0.01' },
  });
});

afterAll(async () => {
  for (const burner of burners) burner.kill('SIGKILL');
  await harness?.close();
});

const clock = () => performance.timeOrigin + performance.now();

/** When the call was placed, answered, and when its greeting was first heard. */
async function timeCall(call: Call, invitedAt: number) {
  const answered = await call.answered;
  const heardAt = await eventually(
    () => firstAudibleMs(call.received(), -45, { after: answered.at, minPackets: 3 }),
    8_000,
    'the greeting',
  );
  return { answerMs: answered.at - invitedAt, greetingMs: heardAt - answered.at };
}

describe('the first calls after a start, on a machine busy on both cores', () => {
  it('answers the first call placed as soon as the stack is up, and greets at once', async () => {
    const invitedAt = clock();
    const call = harness.caller().call();
    const { answerMs, greetingMs } = await timeCall(call, invitedAt);
    expect(answerMs).toBeLessThan(3_000);
    expect(greetingMs).toBeLessThan(2_000);
    await call.hangup();
  });

  it('answers calls that arrive together while the worker is still warming job processes', async () => {
    const calls = [0, 1, 2].map(() => ({ invitedAt: clock(), call: harness.caller().call() }));
    const timings = await Promise.all(
      calls.map(({ call, invitedAt }) => timeCall(call, invitedAt)),
    );
    for (const { answerMs, greetingMs } of timings) {
      expect(answerMs).toBeLessThan(3_000);
      expect(greetingMs).toBeLessThan(2_000);
    }
    await Promise.all(calls.map(({ call }) => call.hangup()));
  });

  it('leaves no trace of a refused dispatch in livekit-server', () => {
    const log = readFileSync(join(ROOT, 'test-artifacts/e2e/first-call.stack.log'), 'utf8');
    expect(log).not.toContain('no workers with sufficient capacity');
  });
});
