// Past one box: a media host (this test's namespace: Redis, livekit-server, livekit-sip, the
// switchboard, the token API) and two worker hosts, each a network namespace of its own with its
// own address, started with the documented command `npm start -- --role worker --offline`. Calls
// are spread over both; every process of one worker host is SIGKILLed mid-call (as a host losing
// power) and its callers get an agent from the other host, who speaks to them within 10 s; new
// calls go to the survivor; the call records of both hosts together hold every call. Then the
// last worker host dies too, and the switchboard tells every waiting caller that the line is down
// and ends the call within 15 s. Run with `npm run test:e2e -- worker-hosts`.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAudibleMs, type Call } from '@ecommerce-voicebot/sip-caller';
import { startWorkerHost, type WorkerHost } from '@ecommerce-voicebot/testkit';
import { PORTS } from '@ecommerce-voicebot/stack';
import {
  answeredAndHeard,
  callRoom,
  eventually,
  ROOT,
  startHarness,
  type Harness,
} from '../harness.js';

let harness: Harness;
const hosts = new Map<string, WorkerHost>();
const artifacts = join(ROOT, 'test-artifacts/e2e');

const clock = () => performance.timeOrigin + performance.now();

/** `npm start -- --role worker --offline` on a new host (testkit); resolves once it is up. */
async function startHost(
  name: string,
  n: number,
  maxCalls: number,
  idleProcesses: number,
): Promise<WorkerHost> {
  const worker = await startWorkerHost({
    name,
    n,
    root: ROOT,
    livekit: {
      url: `ws://${harness.ip}:${PORTS.livekit}`,
      apiKey: harness.livekit.apiKey,
      apiSecret: harness.livekit.apiSecret,
    },
    maxCalls,
    idleProcesses,
    logFile: join(artifacts, `worker-hosts.${name}.log`),
    onLaunch: (launched) => hosts.set(name, launched),
  });
  return worker;
}

function dial(index: number): { call: Call; invitedAt: number; from: string } {
  const base = 46_000 + index * 20;
  const from = `+1415555019${index}`;
  const caller = harness.caller({ from, rtpPorts: { min: base, max: base + 19 } });
  return { call: caller.call({ answerTimeoutMs: 20_000 }), invitedAt: clock(), from };
}

/** The caller has heard something, and nothing for the last `quietMs`: the agent waits for them. */
async function greetedAndQuiet(call: Call, quietMs = 1_500): Promise<void> {
  await answeredAndHeard(call, 10_000, 'the greeting');
  await eventually(
    () => {
      const audible = call.received().packets.filter((p) => p.dbfs >= -45);
      const last = audible.at(-1)?.at ?? 0;
      return clock() - last >= quietMs || undefined;
    },
    20_000,
    'the greeting to end',
  );
}

/** The call's id in the call records: its SIP participant's `sip.callID`. */
async function callIdOf(from: string, except: Set<string>): Promise<string> {
  const room = await eventually(() => callRoom(harness.rooms, from, except), 10_000, 'the room');
  except.add(room);
  const participants = await harness.rooms.listParticipants(room);
  const callId = participants.find((p) => p.attributes['sip.phoneNumber'] === from)?.attributes[
    'sip.callID'
  ];
  if (callId === undefined) throw new Error('the caller has no sip.callID');
  return callId;
}

function hostOf(callId: string): string | undefined {
  for (const [name, worker] of hosts) if (worker.hasCall(callId)) return name;
  return undefined;
}

/** The host whose agent took the call (its record appears as the job starts, on a busy box late). */
async function servedBy(callId: string): Promise<string | undefined> {
  return eventually(() => hostOf(callId), 10_000, `a record of the call on a host`).catch(
    () => undefined,
  );
}

beforeAll(async () => {
  harness = await startHarness({
    name: 'worker-hosts',
    role: 'media',
    env: { TRANSFER_TO: '' },
  });
}, 240_000);

afterAll(async () => {
  await harness?.closeCallers();
  for (const worker of hosts.values()) await worker.remove().catch(() => undefined);
  await harness?.close();
});

describe('worker hosts', () => {
  const calls: { call: Call; from: string; callId: string }[] = [];
  const roomsSeen = new Set<string>();

  it('spread calls over two worker hosts', async () => {
    // Worker A takes two calls at most: with A full, the next calls must go to worker B, so both
    // carry calls whatever livekit-server's load-weighted choice does.
    await startHost('worker-a', 1, 2, 2);
    for (const index of [0, 1]) {
      const dialed = dial(index);
      await greetedAndQuiet(dialed.call);
      calls.push({ ...dialed, callId: await callIdOf(dialed.from, roomsSeen) });
    }
    // Room for worker A's callers when A dies: a free call slot and a warm job process each (a
    // cold one takes seconds to start, more on a busy box).
    await startHost('worker-b', 2, 6, 4);
    for (const index of [2, 3]) {
      const dialed = dial(index);
      await greetedAndQuiet(dialed.call);
      calls.push({ ...dialed, callId: await callIdOf(dialed.from, roomsSeen) });
    }
    const served = await Promise.all(calls.map(({ callId }) => servedBy(callId)));
    console.info(`calls served by: ${served.join(', ')}`);
    expect(served).toEqual(['worker-a', 'worker-a', 'worker-b', 'worker-b']);
  }, 420_000);

  it("gives a dead host's callers an agent from the other host within 10 s", async () => {
    const onA = calls.filter(({ callId }) => hostOf(callId) === 'worker-a');
    expect(onA).toHaveLength(2);
    await Promise.all(calls.map(({ call }) => greetedAndQuiet(call)));
    const killedAt = clock();
    await hosts.get('worker-a')!.kill();
    const heard = await Promise.all(
      onA.map(({ call }) =>
        eventually(
          () => firstAudibleMs(call.received(), -45, { after: killedAt, minPackets: 3 }),
          20_000,
          'the new agent',
        ),
      ),
    );
    const afterKill = heard.map((at) => at - killedAt);
    console.info(
      `failover: the dead host's callers heard the new agent ${afterKill.map((ms) => ms.toFixed(0)).join(' / ')} ms after the SIGKILL`,
    );
    for (const ms of afterKill) expect(ms).toBeLessThan(10_000);
    // What they heard was an agent of worker B taking over, not the switchboard's queue message
    // (once, with the steeper worker load of 2026-12-06 and livekit-server's default target_load,
    // no job reached worker B and the queue message alone passed the check above).
    for (const { callId } of onA)
      await eventually(
        () =>
          hosts
            .get('worker-b')!
            .recordLines(callId)
            .some((line) => line.type === 'call_started' && line.takeover === true) || undefined,
        10_000,
        "worker B's takeover agent",
      );
    // Every call is still up: the callers of worker B never noticed.
    for (const { call } of calls) expect(call.state).toBe('confirmed');
  }, 60_000);

  it('sends new calls to the survivor', async () => {
    const dialed = dial(4);
    await greetedAndQuiet(dialed.call);
    const callId = await callIdOf(dialed.from, roomsSeen);
    calls.push({ ...dialed, callId });
    expect(await servedBy(callId)).toBe('worker-b');
  }, 60_000);

  it("keeps every call in the records: the dead host's part and the survivor's takeover", async () => {
    for (const { callId } of calls.slice(0, 2)) {
      const before = hosts.get('worker-a')!.recordLines(callId);
      const after = hosts.get('worker-b')!.recordLines(callId);
      // The dead host's record, written line by line, holds the call up to its death.
      expect(before[0]).toMatchObject({ type: 'call_started', callId });
      expect(before.some((line) => line.type === 'turn' && line.role === 'assistant')).toBe(true);
      // The survivor's record of the same call says it took over.
      expect(after[0]).toMatchObject({ type: 'call_started', callId, takeover: true });
    }
    for (const { callId } of calls.slice(2)) {
      const lines = hosts.get('worker-b')!.recordLines(callId);
      expect(lines[0]).toMatchObject({ type: 'call_started', callId });
      expect(lines[0]).not.toHaveProperty('takeover');
    }
  });

  it('tells every caller the line is down and ends the call within 15 s when the last host dies', async () => {
    await Promise.all(calls.map(({ call }) => greetedAndQuiet(call)));
    const killedAt = clock();
    await hosts.get('worker-b')!.kill();
    const ends = await Promise.all(calls.map(({ call }) => call.ended));
    const heard = calls.map(({ call }) =>
      firstAudibleMs(call.received(), -45, { after: killedAt, minPackets: 3 }),
    );
    console.info(
      `line down after the last host died: apology heard ${heard.map((at) => (at === undefined ? 'never' : (at - killedAt).toFixed(0))).join(' / ')} ms, ` +
        `calls ended ${ends.map((end) => (end.at - killedAt).toFixed(0)).join(' / ')} ms after the SIGKILL`,
    );
    // What each caller received after the kill, should one have heard nothing.
    console.info(
      calls
        .map(({ call }) => {
          const after = call.received().packets.filter((p) => p.at >= killedAt);
          const loudest = Math.max(-120, ...after.map((p) => p.dbfs));
          return `${after.length} packets, loudest ${loudest.toFixed(0)} dBFS`;
        })
        .join('; '),
    );
    for (const [index, end] of ends.entries()) {
      expect(end.by).toBe('remote');
      expect(end.at - killedAt).toBeLessThan(15_000);
      expect(heard[index]).toBeDefined();
    }
    // Their records on the dead host end where it died; the switchboard, not an agent, spoke.
    const log = readFileSync(join(artifacts, 'worker-hosts.stack.log'), 'utf8');
    expect(log).toContain('agent heartbeat stopped; its host is gone');
    expect(log).toContain('no agent for the caller; telling them the line is down');
  }, 60_000);
});
