import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createAgentWatch, jobTaken } from './agent-watch.js';

type Dispatch = { agentName: string; state?: { jobs: { state?: { status: number } }[] } };

function setup(dispatches: Dispatch[] = [], agentsBusy = 0) {
  let now = 0;
  const timers: { at: number; callback: () => void }[] = [];
  const down: string[] = [];
  const queued: string[] = [];
  const redispatched: string[] = [];
  const prepared: string[] = [];
  const released: string[] = [];
  /** Rooms whose voice was prepared with its track published. */
  const published: string[] = [];
  /** Rooms a worker's mark says it took (contracts/src/job-taken.ts), beside `dispatches`. */
  const current = { dispatches, agentsBusy, marked: new Set<string>() };
  const watch = createAgentWatch({
    agentComing: async (room) =>
      current.marked.has(room) || jobTaken(current.dispatches as never, 'ecommerce-support'),
    lineDown: async (room) => void down.push(room),
    queue: (room) => void queued.push(room),
    activeAgents: () => current.agentsBusy,
    redispatch: async (room) => void redispatched.push(room),
    prepareVoice: (room, { publish }) => {
      prepared.push(room);
      if (publish) published.push(room);
    },
    releaseVoice: (room) => void released.push(room),
    prepareMs: 400,
    logger: pino({ level: 'silent' }),
    firstCheckMs: 4_000,
    recheckMs: 2_000,
    maxWaitMs: 10_000,
    setTimer: (callback, ms) => void timers.push({ at: now + ms, callback }),
    now: () => now,
  });
  /** Runs the timers due by `ms` from now, in order, letting each check finish. */
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (next === undefined || next.at > until) break;
      timers.shift();
      now = next.at;
      next.callback();
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    }
    now = until;
  };
  return { watch, down, queued, redispatched, prepared, published, released, advance, current };
}

const NO_JOB: Dispatch = { agentName: 'ecommerce-support', state: { jobs: [] } };
const RUNNING: Dispatch = {
  agentName: 'ecommerce-support',
  state: { jobs: [{ state: { status: 1 } }] },
};
const FAILED: Dispatch = {
  agentName: 'ecommerce-support',
  state: { jobs: [{ state: { status: 3 } }] },
};

describe('agent watch', () => {
  it('with no agent on the line, dispatches once more, then tells the caller the line is down', async () => {
    const { watch, down, redispatched, queued, advance } = setup([NO_JOB]);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(3_999);
    expect(down).toEqual([]);
    await advance(1);
    expect(redispatched).toEqual(['call-1']);
    expect(down).toEqual([]);
    await advance(2_000);
    expect(down).toEqual(['call-1']);
    expect(queued).toEqual([]);
  });

  it('leaves the caller to a worker that takes the second dispatch', async () => {
    const { watch, down, advance, current } = setup([NO_JOB]);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(4_000);
    current.dispatches = [NO_JOB, RUNNING];
    await advance(4_000);
    watch.agentJoined('call-1');
    await advance(20_000);
    expect(down).toEqual([]);
  });

  it('queues the caller when every agent is busy on other calls', async () => {
    const { watch, down, queued, redispatched, advance } = setup([NO_JOB], 2);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(4_000);
    expect(queued).toEqual(['call-1']);
    await advance(20_000);
    expect(down).toEqual([]);
    expect(redispatched).toEqual([]);
  });

  it('counts a job whose worker died (failed) as no agent', async () => {
    const { watch, down, advance } = setup([FAILED]);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(6_000);
    expect(down).toEqual(['call-1']);
  });

  it('leaves the caller to the agent that joins', async () => {
    const { watch, down, advance } = setup([NO_JOB]);
    watch.callerWaiting('call-1', 'sip_1');
    watch.agentJoined('call-1');
    await advance(20_000);
    expect(down).toEqual([]);
  });

  it('gets the voice ready while no worker has taken the call, and releases it for an agent', async () => {
    const { watch, prepared, released, advance, current } = setup([NO_JOB]);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(400);
    expect(prepared).toEqual(['call-1']);
    watch.agentJoined('call-1');
    expect(released).toEqual(['call-1']);
    current.dispatches = [RUNNING];
    watch.callerWaiting('call-2', 'sip_2');
    await advance(400);
    expect(prepared).toEqual(['call-1']);
  });

  it("counts the agents on their way to earlier callers as busy (a burst's first agents are still joining)", async () => {
    const { watch, queued, redispatched, prepared, published, advance, current } = setup(
      [NO_JOB],
      0,
    );
    current.marked.add('call-1');
    watch.callerWaiting('call-1', 'sip_1');
    watch.callerWaiting('call-2', 'sip_2');
    await advance(400);
    // The queue is likely for the second caller: its voice is ready to speak at once.
    expect(prepared).toEqual(['call-2']);
    expect(published).toEqual(['call-2']);
    await advance(4_000);
    expect(queued).toEqual(['call-2']);
    expect(redispatched).toEqual([]);
  });

  it('gets a voice ready without its track (the call keeps ringing) when no agent is busy', async () => {
    const { watch, prepared, published, advance } = setup([NO_JOB], 0);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(400);
    expect(prepared).toEqual(['call-1']);
    expect(published).toEqual([]);
  });

  it('waits for an assigned job, up to the limit', async () => {
    const { watch, down, advance, current } = setup([RUNNING]);
    watch.callerWaiting('call-1', 'sip_1');
    await advance(8_000);
    expect(down).toEqual([]);
    await advance(2_000);
    expect(down).toEqual(['call-1']);
    // And an agent that joins in time ends the wait.
    current.dispatches = [RUNNING];
    watch.callerWaiting('call-2', 'sip_2');
    await advance(6_000);
    watch.agentJoined('call-2');
    await advance(10_000);
    expect(down).toEqual(['call-1']);
  });

  it('forgets a caller who hangs up, and ignores other agents’ dispatches', async () => {
    const { watch, down, advance } = setup([{ ...RUNNING, agentName: 'someone-else' }]);
    watch.callerWaiting('call-1', 'sip_1');
    watch.callerLeft('call-1', 'sip_1');
    watch.callerWaiting('call-2', 'sip_2');
    await advance(6_000);
    expect(down).toEqual(['call-2']);
  });

  describe('when an agent is lost mid-call', () => {
    it('asks for another agent at once, and waits for one a worker took', async () => {
      const { watch, down, queued, redispatched, prepared, advance, current } = setup([]);
      watch.callerWaiting('call-1', 'sip_1');
      watch.agentJoined('call-1');
      current.dispatches = [RUNNING];
      await watch.agentLost('call-1', ['sip_1']);
      expect(redispatched).toEqual(['call-1']);
      expect(prepared).toEqual(['call-1']);
      await advance(8_000);
      watch.agentJoined('call-1');
      await advance(20_000);
      expect(down).toEqual([]);
      expect(queued).toEqual([]);
    });

    it('queues the caller when the other workers are busy', async () => {
      const { watch, queued, down, advance } = setup([NO_JOB], 2);
      watch.agentJoined('call-1');
      await watch.agentLost('call-1', ['sip_1']);
      // One more look before queueing: the takeover may still be being assigned.
      await advance(4_000);
      expect(queued).toEqual([]);
      await advance(2_000);
      expect(queued).toEqual(['call-1']);
      expect(down).toEqual([]);
    });

    it('tells the caller the line is down when no worker is left, without a second dispatch', async () => {
      const { watch, queued, down, redispatched, advance } = setup([NO_JOB], 0);
      watch.agentJoined('call-1');
      await watch.agentLost('call-1', ['sip_1']);
      await advance(4_000);
      expect(down).toEqual(['call-1']);
      expect(redispatched).toEqual(['call-1']);
      expect(queued).toEqual([]);
    });

    it('does nothing for a room its callers already left', async () => {
      const { watch, redispatched, down, advance } = setup([NO_JOB], 0);
      watch.agentJoined('call-1');
      await watch.agentLost('call-1', []);
      await advance(20_000);
      expect(redispatched).toEqual([]);
      expect(down).toEqual([]);
    });
  });
});

describe('jobTaken', () => {
  const at = (ms: number, status: number) => ({
    agentName: 'ecommerce-support',
    state: { createdAt: BigInt(ms) * 1_000_000n, jobs: [{ state: { status } }] },
  });

  it('does not count the running job of a dispatch made before the agent was lost', () => {
    expect(jobTaken([at(1_000, 1)] as never, 'ecommerce-support', 5_000)).toBe(false);
    expect(jobTaken([at(1_000, 1), at(6_000, 0)] as never, 'ecommerce-support', 5_000)).toBe(true);
    expect(jobTaken([at(1_000, 1)] as never, 'ecommerce-support')).toBe(true);
  });

  it("counts the dispatch a worker's mark names, made since the agent was lost", () => {
    // livekit-server v1.13.5 lists dispatches without their jobs.
    const listed = (id: string, ms: number) => ({
      id,
      agentName: 'ecommerce-support',
      state: { createdAt: BigInt(ms) * 1_000_000n, jobs: [] },
    });
    const dispatches = [listed('AD_room', 1_000), listed('AD_takeover', 6_000)];
    expect(jobTaken(dispatches as never, 'ecommerce-support')).toBe(false);
    expect(jobTaken(dispatches as never, 'ecommerce-support', 0, 'AD_room')).toBe(true);
    expect(jobTaken(dispatches as never, 'ecommerce-support', 5_000, 'AD_room')).toBe(false);
    expect(jobTaken(dispatches as never, 'ecommerce-support', 5_000, 'AD_takeover')).toBe(true);
    expect(jobTaken(dispatches as never, 'other-agent', 0, 'AD_room')).toBe(false);
    expect(jobTaken(dispatches as never, 'ecommerce-support', 0, 'AD_elsewhere')).toBe(false);
  });
});
