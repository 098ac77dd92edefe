// The line's abuse limits, enforced by the switchboard on livekit-server's signed webhooks: a
// caller number may hold one call at a time and start a few per window, the line carries a fixed
// number of calls, and a call over a limit is ended within seconds instead of taking an agent.
// Forged webhooks change nothing. Run with `npm run test:e2e -- line-limits`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '@ecommerce-voicebot/sip-caller';
import { PORTS } from '@ecommerce-voicebot/stack';
import { agentIdle, ROOT, startHarness, type Harness } from '../harness.js';

const CALLER_A = '+14155550171';
const CALLER_B = '+14155550172';
const CALLER_C = '+14155550173';
/** A refused call ends this fast after its INVITE (webhook, room deleted, the bridge hangs up). */
const REFUSAL_MS = 5_000;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    name: 'line-limits',
    env: {
      LINE_MAX_CALLS: '2',
      CALLER_MAX_CALLS: '1',
      CALLER_MAX_NEW_CALLS: '3',
      CALLER_WINDOW_SECONDS: '600',
      // The worker takes more calls than the line allows: the line's cap is what refuses.
      AGENT_MAX_CALLS: '4',
    },
  });
});

afterEach(async () => {
  await harness.closeCallers();
  await agentIdle();
});

afterAll(async () => {
  await harness?.close();
});

let dialled = 0;
function dial(from: string): Call {
  const base = 42_000 + (dialled++ % 40) * 20;
  return harness
    .caller({ from, rtpPorts: { min: base, max: base + 19 } })
    .call({ answerTimeoutMs: 15_000 });
}

/** Answered by the agent, and still up a few seconds later. */
async function expectConnected(call: Call): Promise<void> {
  await call.answered;
  const early = await Promise.race([
    call.ended,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
  ]);
  expect(early, 'the admitted call stays up').toBeUndefined();
}

/** Ended by the line within REFUSAL_MS of its INVITE, and its room gone. */
async function expectEndedByTheLine(call: Call, invitedAt: number): Promise<void> {
  // Refused before or just after the agent answered: either way `ended` says how.
  call.answered.catch(() => undefined);
  const end = await call.ended;
  expect(end.by).toBe('remote');
  expect(end.at - invitedAt).toBeLessThan(REFUSAL_MS);
}

const clock = () => performance.timeOrigin + performance.now();

function switchboardLines(): string[] {
  return readFileSync(join(ROOT, 'test-artifacts/e2e/line-limits.stack.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('[switchboard]'));
}

describe('per caller', () => {
  it("ends a caller's second call while the first is up; another caller still gets through", async () => {
    const first = dial(CALLER_A);
    await expectConnected(first);
    const invitedAt = clock();
    await expectEndedByTheLine(dial(CALLER_A), invitedAt);
    await expectConnected(dial(CALLER_B));
    expect(first.state).not.toBe('ended');
  });

  it('ends the call of a caller who started too many in the window', async () => {
    // CALLER_A has made 2 attempts (one refused); the third is admitted, the fourth is not.
    const third = dial(CALLER_A);
    await expectConnected(third);
    await third.hangup();
    await agentIdle();
    const invitedAt = clock();
    await expectEndedByTheLine(dial(CALLER_A), invitedAt);
    expect(switchboardLines().some((line) => line.includes('"reason":"caller_rate"'))).toBe(true);
  });
});

describe('the whole line', () => {
  it('ends a call past LINE_MAX_CALLS, whoever calls, and takes calls again once one ends', async () => {
    const first = dial(CALLER_B);
    await expectConnected(first);
    await expectConnected(dial(CALLER_C));
    const invitedAt = clock();
    await expectEndedByTheLine(dial('+14155550174'), invitedAt);
    await first.hangup();
    // The caller's participant_left reaches the switchboard within milliseconds of the BYE.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expectConnected(dial('+14155550175'));
  });

  it('logs refusals by reason and salted key, never the number', () => {
    const lines = switchboardLines();
    expect(lines.some((line) => line.includes('"reason":"line_full"'))).toBe(true);
    expect(lines.some((line) => line.includes('"reason":"caller_busy"'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/415555017\d/);
  });
});

describe('webhooks', () => {
  it('refuses a forged event and leaves the call it names alone', async () => {
    const call = dial('+14155550176');
    await expectConnected(call);
    const rooms = await harness.rooms.listRooms();
    const room = rooms.sort((a, b) => Number(b.creationTime - a.creationTime))[0]!.name;
    const forged = JSON.stringify({ event: 'room_finished', room: { name: room } });
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const response = await fetch(`http://127.0.0.1:${PORTS.switchboard}/webhook`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/webhook+json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: forged,
      });
      expect(response.status).toBe(401);
    }
    expect(call.state).not.toBe('ended');
    expect((await harness.rooms.listRooms()).map((each) => each.name)).toContain(room);
  });
});
