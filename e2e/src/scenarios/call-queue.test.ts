// A call queue instead of collapse: with room for C calls (one worker, AGENT_MAX_CALLS=C), C+3
// callers arrive; the first C talk to the agent (answers at p95 ≤ 1 s while the others wait), the
// others hear the queue message (with their position) and hold audio, and when a call ends the
// longest-waiting caller gets the agent.
// Run with `npm run test:e2e -- call-queue`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_PROCESS_WARM_MESSAGE } from '@ecommerce-voicebot/contracts';
import { loadUtterance, speakTurn, waitForQuiet, type Call } from '@ecommerce-voicebot/sip-caller';
import { answeredAndHeard, eventually, ROOT, startHarness, type Harness } from '../harness.js';

const CAPACITY = 2;
const KIND_AGENT = 4;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    name: 'call-queue',
    env: { AGENT_MAX_CALLS: String(CAPACITY), AGENT_NUM_IDLE_PROCESSES: String(CAPACITY + 1) },
  });
});

afterAll(async () => {
  await harness?.close();
});

const clock = () => performance.timeOrigin + performance.now();

function dial(index: number): { call: Call; invitedAt: number } {
  const base = 44_000 + index * 20;
  const caller = harness.caller({
    from: `+1415555018${index}`,
    rtpPorts: { min: base, max: base + 19 },
  });
  return { call: caller.call({ answerTimeoutMs: 15_000 }), invitedAt: clock() };
}

/** ms from the INVITE until the caller first hears something (agent or switchboard). */
async function heardAfter({ call, invitedAt }: { call: Call; invitedAt: number }) {
  return (await answeredAndHeard(call, 8_000)).heardAt - invitedAt;
}

function stackLines(process: string, message: string): Record<string, unknown>[] {
  return readFileSync(join(ROOT, 'test-artifacts/e2e/call-queue.stack.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`[${process}]`) && line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line.slice(`[${process}] `.length)) as Record<string, unknown>);
}

const switchboardLines = (message: string) => stackLines('switchboard', message);

/** The start line of every call record written so far. */
function callRecordStarts(): Record<string, unknown>[] {
  return readdirSync(harness.callsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => readFileSync(join(harness.callsDir, file), 'utf8').split('\n')[0] ?? '')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function hasAgent(room: string): Promise<boolean> {
  const participants = await harness.rooms.listParticipants(room);
  return participants.some((participant) => participant.kind === KIND_AGENT);
}

describe(`a line with room for ${CAPACITY} calls`, () => {
  it('queues the callers past capacity, in order, and connects the longest waiter when a call ends', async () => {
    const served = [];
    for (let index = 0; index < CAPACITY; index += 1) {
      served.push(dial(index));
      await served[index]!.call.answered;
    }
    // Served by the agent (answered, then its greeting; the first-call test bounds how fast).
    for (const each of served) await heardAfter(each);
    // The line at capacity, settled: the worker has warmed a process for each one its calls took
    // (about 3 CPU-seconds each, 10 s on this busy 2-core box). Callers arriving during that are
    // the burst test's.
    await eventually(
      () => stackLines('agent', JOB_PROCESS_WARM_MESSAGE).length >= 2 * CAPACITY + 1 || undefined,
      30_000,
      'the job processes warm again',
    );

    // A served caller whose worker was slow to take the job may have been queued for a moment
    // (and connected at once): only the queue entries from here on are the three callers'.
    const queuedBefore = switchboardLines('caller queued').length;
    const queued = [];
    for (let index = CAPACITY; index < CAPACITY + 3; index += 1) {
      queued.push(dial(index));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const heard = await Promise.all(queued.map((each) => heardAfter(each)));
    console.info(
      `queue message heard ${heard.map((ms) => ms.toFixed(0)).join(', ')} ms after the INVITE`,
    );
    for (const ms of heard) expect(ms).toBeLessThan(3_000);
    const queuedLines = await eventually(
      async () => {
        const lines = switchboardLines('caller queued').slice(queuedBefore);
        return lines.length === 3 ? lines : undefined;
      },
      5_000,
      'three queued callers',
    );
    expect(queuedLines.map((line) => line.position)).toEqual([1, 2, 3]);
    const firstInLine = String(queuedLines[0]!.room);
    expect(await hasAgent(firstInLine)).toBe(false);

    // Meanwhile the served callers keep their latency: admission leaves their worker the calls it
    // can carry while three others wait on hold (end of speech in RTP to the first audible answer).
    // Turns answered at once, as the voice benchmark's `instant` row: the support script's first
    // turn is an order lookup, whose answer the emulator synthesises on the spot (its time, not
    // ours; bench:voice's `tool` row times that path apart).
    await harness.scenario({
      rules: harness.baseScenario.rules.filter(
        (rule) => (rule as { id?: string }).id !== 'first-spoken-turn',
      ),
    });
    const question = await loadUtterance(harness.speech('Hello, is my order on its way?'));
    const latencies: number[] = [];
    for (let turn = 0; turn < 3; turn += 1)
      for (const { call } of served) {
        await waitForQuiet(call, 700, 20_000);
        const spoken = await speakTurn(call, question);
        latencies.push(spoken.firstAudibleAt - spoken.endOfSpeechAt);
      }
    const p95 = [...latencies].sort((a, b) => a - b)[Math.ceil(0.95 * latencies.length) - 1]!;
    console.info(
      `served callers with 3 queued: answers ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms after their speech (p95 ${p95.toFixed(0)} ms)`,
    );
    expect(p95).toBeLessThanOrEqual(1_000);
    for (const { room } of queuedLines) expect(await hasAgent(String(room))).toBe(false);

    const freedAt = clock();
    await served[0]!.call.hangup();
    await eventually(async () => (await hasAgent(firstInLine)) || undefined, 8_000, 'the agent');
    const connectMs = clock() - freedAt;
    console.info(`longest waiter got the agent ${connectMs.toFixed(0)} ms after a call ended`);
    expect(connectMs).toBeLessThan(3_000);
    // The others still wait, in order.
    for (const { room } of queuedLines.slice(1)) expect(await hasAgent(String(room))).toBe(false);
    const queuedRooms = new Set(queuedLines.map((line) => line.room));
    const connected = await eventually(
      async () => {
        const lines = switchboardLines('queued caller connected').filter((line) =>
          queuedRooms.has(line.room),
        );
        return lines.length > 0 ? lines : undefined;
      },
      3_000,
      'the switchboard noting the connection',
    );
    expect(connected.map((line) => line.room)).toEqual([firstInLine]);
    // The agent wrote the caller's wait into the call record (the switchboard's dispatch said it).
    // (A served caller queued for a moment has a record with a wait of a few milliseconds: the
    // longest waiter's is the one that waited past the call's end.)
    const queuedStart = await eventually(
      async () =>
        callRecordStarts().find(
          (start) => ((start.queue as { waitedMs?: number } | undefined)?.waitedMs ?? 0) > 1_000,
        ),
      5_000,
      'a call record with its queue wait',
    );
    expect(queuedStart.queue).toMatchObject({ position: 1 });
  }, 120_000);
});
