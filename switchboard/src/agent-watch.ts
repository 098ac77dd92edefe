// No caller waits in silence for an agent that is not coming. Shortly after the bridge published a
// caller's audio, the switchboard looks at the room's dispatch: a worker took it (the agent is on
// its way), or none did. Then, with agents busy on other calls, every worker is full: the caller
// joins the queue (line-queue.ts). With no agent on the line at all, the room is dispatched once
// more (a worker may just have joined); if no worker takes that either, none is left, and the
// caller hears that the line is down (line-down.ts) well within 15 s of the call. An agent whose
// job was taken but who never joins (a broken worker) ends the same way after `maxWaitMs`.
import type { AgentDispatch } from 'livekit-server-sdk';
import type { Logger } from 'pino';

/** livekit.JobStatus values (the enum is not re-exported by livekit-server-sdk). */
const JOB_PENDING = 0;
const JOB_RUNNING = 1;

/** When livekit-server created the dispatch, in epoch ms (0 if it does not say). */
export function dispatchCreatedMs(dispatch: Pick<AgentDispatch, 'state'>): number {
  return Number((dispatch.state?.createdAt ?? 0n) / 1_000_000n);
}

/**
 * Whether a worker took one of the room's dispatches for the agent: the worker's mark in the room
 * names it (`takenDispatchId`, contracts/src/job-taken.ts), or livekit-server lists a job pending
 * or running for it (v1.13.5 lists none). Only dispatches made from `sinceMs` on count: the job of
 * an agent whose host died stays "taken", though nobody runs it.
 */
export function jobTaken(
  dispatches: readonly Pick<AgentDispatch, 'id' | 'agentName' | 'state'>[],
  agentName: string,
  sinceMs = 0,
  takenDispatchId?: string,
): boolean {
  return dispatches
    .filter((dispatch) => dispatch.agentName === agentName)
    .filter((dispatch) => sinceMs === 0 || dispatchCreatedMs(dispatch) >= sinceMs)
    .some(
      (dispatch) =>
        (takenDispatchId !== undefined && dispatch.id === takenDispatchId) ||
        (dispatch.state?.jobs ?? []).some((job) =>
          [JOB_PENDING, JOB_RUNNING].includes(job.state?.status ?? -1),
        ),
    );
}

export interface AgentWatchOptions {
  /** Whether a worker took one of the room's dispatches (main.ts: {@link jobTaken} of the room's). */
  agentComing: (room: string) => Promise<boolean>;
  /** What to do for a caller no agent will answer. */
  lineDown: (room: string, identity: string) => Promise<void>;
  /** A caller to queue: every worker is full. */
  queue: (room: string, identity: string) => void;
  /** Agents in calls on the line now. */
  activeAgents: () => number;
  /** Asks livekit-server for an agent in the room once more. */
  redispatch: (room: string) => Promise<void>;
  /** Asks for an agent to take over a call whose agent was lost (its host died). */
  takeover?: (room: string) => Promise<void>;
  /**
   * Gets the switchboard's voice ready in a room whose dispatch no worker has taken yet, so a queue
   * message starts at once if it comes to that; `release` when an agent came after all. With
   * `publish` its track too (the bridge then answers the call): when the queue is likely.
   */
  prepareVoice?: (room: string, options: { publish: boolean }) => void;
  releaseVoice?: (room: string) => void;
  /** When to look whether a worker has taken the dispatch, to get the voice ready [300 ms]. */
  prepareMs?: number;
  logger: Logger;
  /** From the caller's audio being published to the first look at the room's dispatch. */
  firstCheckMs: number;
  /** A job is assigned but its agent has not joined yet: look again this often... */
  recheckMs?: number;
  /** ...until this long after the caller's audio; then the line is down all the same. */
  maxWaitMs?: number;
  setTimer?: (callback: () => void, ms: number) => void;
  now?: () => number;
}

export interface AgentWatch {
  /** An admitted caller's audio is published: the bridge rings until an agent answers. */
  callerWaiting(room: string, identity: string): void;
  agentJoined(room: string): void;
  /**
   * The room's agent was lost mid-call (its host died): its callers wait for an agent again, one
   * is asked for at once, and they are queued or told the line is down like new callers.
   */
  agentLost(room: string, callers: readonly string[]): Promise<void>;
  callerLeft(room: string, identity: string): void;
  roomClosed(room: string): void;
}

export function createAgentWatch(options: AgentWatchOptions): AgentWatch {
  const { logger } = options;
  const recheckMs = options.recheckMs ?? 2_000;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const setTimer = options.setTimer ?? ((callback, ms) => void setTimeout(callback, ms).unref());
  const now = options.now ?? Date.now;
  /** Callers waiting for an agent: `room/identity` → since when. */
  const waiting = new Map<
    string,
    {
      room: string;
      identity: string;
      since: number;
      redispatched: boolean;
      /** A worker took the call: its agent is on the way (it counts as busy for other callers). */
      coming?: boolean;
      /**
       * A caller whose agent was lost: the takeover dispatch went to workers that may all be busy
       * with the lost host's other callers, and assigning it can take longer than the first look.
       */
      takeover?: { looked: boolean };
    }
  >();
  const answered = new Set<string>();
  const keyOf = (room: string, identity: string) => `${room}/${identity}`;

  /**
   * Agents in calls, and agents a worker is sending to a caller who still waits: in a burst, the
   * first callers' agents are still joining when the next callers' turn is decided.
   */
  const busyAgents = () =>
    options.activeAgents() + [...waiting.values()].filter((caller) => caller.coming).length;

  const agentComing = async (key: string, room: string): Promise<boolean> => {
    const coming = await options.agentComing(room);
    const caller = waiting.get(key);
    if (coming && caller !== undefined) caller.coming = true;
    return coming;
  };

  const prepare = async (key: string): Promise<void> => {
    const caller = waiting.get(key);
    if (caller === undefined || answered.has(caller.room) || !options.prepareVoice) return;
    const coming = await agentComing(key, caller.room).catch(() => false);
    if (!coming && waiting.has(key) && !answered.has(caller.room))
      options.prepareVoice(caller.room, { publish: busyAgents() > 0 });
  };

  const check = async (key: string): Promise<void> => {
    const caller = waiting.get(key);
    if (caller === undefined || answered.has(caller.room)) return;
    let coming = false;
    try {
      coming = await agentComing(key, caller.room);
    } catch (error) {
      // livekit-server unreachable: no agent can reach the caller either.
      logger.warn({ err: { message: (error as Error).message } }, 'could not list dispatches');
    }
    if (!waiting.has(key) || answered.has(caller.room)) return;
    const waitedMs = now() - caller.since;
    const again = () => setTimer(() => void check(key), recheckMs);
    if (coming) {
      if (waitedMs + recheckMs <= maxWaitMs) return again();
    } else if (busyAgents() > 0) {
      if (caller.takeover && !caller.takeover.looked) {
        caller.takeover.looked = true;
        return again();
      }
      waiting.delete(key);
      logger.info({ room: caller.room, waitedMs }, 'every agent is busy; queueing the caller');
      return options.queue(caller.room, caller.identity);
    } else if (!caller.redispatched) {
      caller.redispatched = true;
      await options.redispatch(caller.room).catch((error: unknown) => {
        logger.warn({ err: { message: (error as Error).message } }, 'redispatch failed');
      });
      return again();
    }
    waiting.delete(key);
    logger.warn(
      { room: caller.room, waitedMs, jobAssigned: coming },
      'no agent for the caller; telling them the line is down',
    );
    await options.lineDown(caller.room, caller.identity);
  };

  return {
    callerWaiting(room, identity) {
      if (answered.has(room)) return;
      const key = keyOf(room, identity);
      if (waiting.has(key)) return;
      waiting.set(key, { room, identity, since: now(), redispatched: false });
      const prepareMs = options.prepareMs ?? 300;
      if (prepareMs < options.firstCheckMs) setTimer(() => void prepare(key), prepareMs);
      setTimer(() => void check(key), options.firstCheckMs);
    },
    async agentLost(room, callers) {
      answered.delete(room);
      const since = now();
      const keys = callers.map((identity) => {
        const key = keyOf(room, identity);
        waiting.set(key, {
          room,
          identity,
          since,
          redispatched: true,
          takeover: { looked: false },
        });
        return key;
      });
      if (keys.length === 0) return;
      // Get the voice ready now: with the host gone, the queue or the apology is likely.
      options.prepareVoice?.(room, { publish: true });
      try {
        await (options.takeover ?? options.redispatch)(room);
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'takeover dispatch failed');
      }
      for (const key of keys) setTimer(() => void check(key), options.firstCheckMs);
    },
    agentJoined(room) {
      answered.add(room);
      options.releaseVoice?.(room);
      for (const [key, caller] of waiting) if (caller.room === room) waiting.delete(key);
    },
    callerLeft(room, identity) {
      // Anyone else leaving (a lost agent removed, the switchboard's voice) is not the caller.
      if (waiting.delete(keyOf(room, identity))) options.releaseVoice?.(room);
    },
    roomClosed(room) {
      answered.delete(room);
      options.releaseVoice?.(room);
      for (const [key, caller] of waiting) if (caller.room === room) waiting.delete(key);
    },
  };
}
