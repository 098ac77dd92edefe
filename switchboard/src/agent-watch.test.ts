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
  const current = { dispatches, agentsBusy };
  const watch = createAgentWatch({
    agentComing: async () => jobTaken(current.dispatches as never, 'ecommerce-support'),
    lineDown: async (room) => void down.push(room),
    queue: (room) => void queued.push(room),
    activeAgents: () => current.agentsBusy,
    redispatch: async (room) => void redispatched.push(room),
    prepareVoice: (room) => void prepared.push(room),
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
  return { watch, down, queued, redispatched, prepared, released, advance, current };
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
});
