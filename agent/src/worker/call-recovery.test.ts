import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { jobTakenMetadata } from '@ecommerce-voicebot/contracts';
import { createCallRecovery, RECOVERY_METADATA, type CallRecoveryApi } from './call-recovery.js';

const AGENT = 'ecommerce-support';

/** A fake server: one call room whose participants and dispatches the test sets. */
function fakeServer() {
  const state = {
    now: 100_000,
    participants: [] as { identity: string; kind: number; joinedAtMs: bigint; status?: string }[],
    dispatches: [{ agentName: AGENT, metadata: '', createdAtMs: 0, jobs: 1 }] as {
      agentName: string;
      metadata: string;
      createdAtMs: number;
      /**
       * How many jobs livekit-server assigned for the dispatch (0: no worker took it). v1.13.5 lists
       * none: the worker that took it marks the room (contracts/src/job-taken.ts).
       */
      jobs: number;
    }[],
    /** Whether livekit-server lists a dispatch's jobs (a version that does). */
    listsJobs: false,
    /** Whether a worker takes the dispatches made from now on. */
    workerTakesJobs: true,
    deleted: [] as string[],
  };
  const api: CallRecoveryApi = {
    listRooms: async () => {
      if (state.deleted.length > 0) return [];
      const taken = state.dispatches.findLastIndex((d) => d.jobs > 0);
      const metadata = taken < 0 || state.listsJobs ? '' : jobTakenMetadata(`AD_${taken}`);
      return [{ name: 'call-_+1555_x', metadata }];
    },
    listParticipants: async () =>
      state.participants.map((p) => ({
        identity: p.identity,
        kind: p.kind,
        joinedAtMs: p.joinedAtMs,
        attributes: p.status === undefined ? {} : { 'sip.callStatus': p.status },
      })) as Awaited<ReturnType<CallRecoveryApi['listParticipants']>>,
    listDispatch: async () =>
      state.dispatches.map((d, index) => ({
        id: `AD_${index}`,
        agentName: d.agentName,
        metadata: d.metadata,
        state: {
          createdAt: BigInt(d.createdAtMs) * 1_000_000n,
          jobs: Array.from({ length: state.listsJobs ? d.jobs : 0 }, () => ({})),
        },
      })) as Awaited<ReturnType<CallRecoveryApi['listDispatch']>>,
    createDispatch: async (_room, agentName, { metadata }) => {
      state.dispatches.push({
        agentName,
        metadata,
        createdAtMs: state.now,
        jobs: state.workerTakesJobs ? 1 : 0,
      });
    },
    deleteRoom: async (room) => {
      state.deleted.push(room);
    },
  };
  const recovery = createCallRecovery({
    api,
    agentName: AGENT,
    logger: pino({ level: 'silent' }),
    joinGraceMs: 15_000,
    deliveryTimeoutMs: 12_000,
    maxRedispatches: 3,
    confirmMs: 2_000,
    recoveryTimeoutMs: 20_000,
    now: () => state.now,
  });
  const at = async (ms: number) => {
    state.now = ms;
    await recovery.sweep();
  };
  const caller = { identity: 'sip_+1555', kind: 3, joinedAtMs: 50_000n };
  const agent = { identity: 'agent-AJ_1', kind: 4, joinedAtMs: 51_000n };
  return { state, at, caller, agent };
}

const recoveries = (state: ReturnType<typeof fakeServer>['state']) =>
  state.dispatches.filter((d) => d.metadata === RECOVERY_METADATA).length;

describe('call recovery', () => {
  it('dispatches a new agent once the caller has been without one for the confirm time', async () => {
    const { state, at, caller } = fakeServer();
    state.participants = [caller];
    await at(100_000);
    expect(recoveries(state)).toBe(0);
    await at(101_000);
    expect(recoveries(state)).toBe(0);
    await at(102_000);
    expect(recoveries(state)).toBe(1);
    await at(103_000);
    expect(recoveries(state)).toBe(1);
  });

  it('leaves calls with an agent, new callers still waiting for theirs, and hung-up callers alone', async () => {
    const { state, at, caller, agent } = fakeServer();
    state.participants = [caller, agent];
    await at(100_000);
    await at(110_000);
    state.participants = [{ ...caller, joinedAtMs: 105_000n }];
    await at(111_000);
    await at(115_000);
    state.participants = [{ ...caller, status: 'hangup' }];
    await at(130_000);
    await at(140_000);
    expect(recoveries(state)).toBe(0);
    expect(state.deleted).toEqual([]);
  });

  it("gives a dispatch made for a caller whose agent was lost the new caller's grace", async () => {
    const { state, at, caller } = fakeServer();
    // The caller has been on the line for a while; their agent's host died and the switchboard
    // just dispatched a replacement, which is still starting.
    state.participants = [caller];
    state.dispatches.push({
      agentName: AGENT,
      metadata: '{"takeover":true}',
      createdAtMs: 99_000,
      jobs: 1,
    });
    await at(100_000);
    await at(102_000);
    await at(110_000);
    expect(recoveries(state)).toBe(0);
    await at(114_000);
    await at(116_000);
    expect(recoveries(state)).toBe(1);
  });

  it('leaves a caller the switchboard is speaking to (queued, or told the line is down)', async () => {
    const { state, at, caller } = fakeServer();
    const switchboard = { identity: 'switchboard-1f2e', kind: 0, joinedAtMs: 51_000n };
    state.participants = [caller, switchboard];
    state.dispatches[0]!.jobs = 0;
    for (const ms of [100_000, 102_000, 115_000, 130_000, 160_000]) await at(ms);
    expect(recoveries(state)).toBe(0);
    expect(state.deleted).toEqual([]);
  });

  it('forgets a gap the agent came back from', async () => {
    const { state, at, caller, agent } = fakeServer();
    state.participants = [caller];
    await at(100_000);
    state.participants = [caller, agent];
    await at(101_000);
    state.participants = [caller];
    await at(102_500);
    expect(recoveries(state)).toBe(0);
  });

  it('ends the call when the re-dispatched agent does not join either', async () => {
    const { state, at, caller } = fakeServer();
    state.participants = [caller];
    await at(100_000);
    await at(102_000);
    expect(recoveries(state)).toBe(1);
    await at(121_000);
    expect(state.deleted).toEqual([]);
    await at(122_000);
    expect(state.deleted).toEqual(['call-_+1555_x']);
  });

  it('knows from the dispatches that a restarted worker already recovered the room', async () => {
    const { state, at, caller } = fakeServer();
    state.participants = [caller];
    state.dispatches.push({
      agentName: AGENT,
      metadata: RECOVERY_METADATA,
      createdAtMs: 90_000,
      jobs: 1,
    });
    await at(100_000);
    await at(102_000);
    expect(recoveries(state)).toBe(1);
    expect(state.deleted).toEqual([]);
    await at(120_000);
    expect(state.deleted).toEqual(['call-_+1555_x']);
  });

  it('ignores rooms dispatched to another agent', async () => {
    const { state, at, caller } = fakeServer();
    state.participants = [caller];
    state.dispatches = [{ agentName: 'someone-else', metadata: '', createdAtMs: 0, jobs: 0 }];
    await at(100_000);
    await at(130_000);
    expect(recoveries(state)).toBe(0);
    expect(state.deleted).toEqual([]);
  });

  it('counts a caller still ringing: the bridge answers only once an agent is there', async () => {
    const { state, at, caller } = fakeServer();
    state.participants = [{ ...caller, status: 'ringing' }];
    await at(100_000);
    await at(102_000);
    expect(recoveries(state)).toBe(1);
  });

  it('dispatches a call no worker took again at once, without the rest of the join grace', async () => {
    const { state, at, caller } = fakeServer();
    // The caller rang in at 100 s; livekit-server found no worker with capacity and never retries.
    state.dispatches = [{ agentName: AGENT, metadata: '', createdAtMs: 100_000, jobs: 0 }];
    state.participants = [{ ...caller, joinedAtMs: 100_000n, status: 'ringing' }];
    await at(100_000);
    await at(105_000);
    // Still within livekit-server's own wait for a worker's answer: nothing yet.
    expect(recoveries(state)).toBe(0);
    await at(112_000);
    expect(recoveries(state)).toBe(1);
  });

  it('keeps dispatching a call no worker takes, a few times, then ends it', async () => {
    const { state, at, caller } = fakeServer();
    state.workerTakesJobs = false;
    state.dispatches = [{ agentName: AGENT, metadata: '', createdAtMs: 100_000, jobs: 0 }];
    state.participants = [{ ...caller, joinedAtMs: 100_000n, status: 'ringing' }];
    await at(100_000);
    await at(112_000);
    expect(recoveries(state)).toBe(1);
    await at(124_000);
    await at(136_000);
    expect(recoveries(state)).toBe(3);
    await at(148_000);
    expect(recoveries(state)).toBe(3);
    expect(state.deleted).toEqual([]);
    await at(156_000);
    expect(state.deleted).toEqual(['call-_+1555_x']);
  });

  it('does not dispatch again while a taken job is still starting its agent', async () => {
    const { state, at, caller } = fakeServer();
    state.dispatches = [{ agentName: AGENT, metadata: '', createdAtMs: 100_000, jobs: 1 }];
    state.participants = [{ ...caller, joinedAtMs: 100_000n, status: 'ringing' }];
    await at(100_000);
    await at(113_000);
    expect(recoveries(state)).toBe(0);
    await at(115_000);
    expect(recoveries(state)).toBe(1);
  });

  it('reads a taken dispatch from the jobs of a livekit-server that lists them', async () => {
    const { state, at, caller } = fakeServer();
    state.listsJobs = true;
    state.participants = [caller];
    state.dispatches = [{ agentName: AGENT, metadata: '', createdAtMs: 100_000, jobs: 1 }];
    for (const ms of [100_000, 102_000, 112_000, 113_000]) await at(ms);
    expect(recoveries(state)).toBe(0);
  });
});
