// The agents' heartbeat (contracts/src/agent-liveness.ts), beaten by the worker's main process for
// every job it runs: a counter in each agent participant's attributes, set through the server
// API. The main process has no audio to move, so its beats keep time while a job process's event
// loop stalls for seconds starting a call on a busy host (a job's own beats stopped for 3 s there,
// and the switchboard took a live agent for dead). Its beats stop when the host dies, and for a
// job as soon as the framework sees its process gone. Each reply carries the agent's attributes:
// one whose caller has left says so (AGENT_CALL_ENDED_ATTRIBUTE), and the worker frees its slot.
import {
  AGENT_HEARTBEAT_ATTRIBUTE,
  AGENT_HEARTBEAT_INTERVAL_MS,
  callEnded,
} from '@ecommerce-voicebot/contracts';
import type { Logger } from 'pino';

/** A job as the heartbeat needs it: its room and the identity its agent joins with. */
export interface BeatingJob {
  readonly id: string;
  readonly room: string;
  readonly identity: string;
}

export interface JobHeartbeatOptions {
  /** The jobs running now (the framework's `activeJobs`). */
  jobs: () => Iterable<BeatingJob>;
  /**
   * Sets the participant's attributes (RoomServiceClient.updateParticipant in production) and
   * returns all of them, as the server has them now.
   */
  setAttributes: (
    room: string,
    identity: string,
    attributes: Record<string, string>,
  ) => Promise<Readonly<Record<string, string>> | undefined>;
  /** A job whose agent says its caller has left (told once per job). */
  onCallEnded?: (jobId: string) => void;
  logger: Logger;
  intervalMs?: number;
  setInterval?: (callback: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (timer: unknown) => void;
}

export interface JobHeartbeat {
  /** One beat for every running job; `start` runs it on a timer. */
  beat(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createJobHeartbeat(options: JobHeartbeatOptions): JobHeartbeat {
  const every = options.setInterval ?? setInterval;
  const clear =
    options.clearInterval ?? ((timer: unknown) => clearInterval(timer as NodeJS.Timeout));
  let beats = 0;
  /** Jobs (`room/identity`) with a beat in flight: a slow server gets no pile of requests. */
  const inFlight = new Set<string>();
  /** Jobs whose failing beat was already reported (an agent not joined yet, a room closing). */
  const reported = new Set<string>();
  /** Jobs already told as ended. */
  const ended = new Set<string>();
  let timer: unknown;

  const beatJob = async (job: BeatingJob, value: string): Promise<void> => {
    const key = `${job.room}/${job.identity}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      const attributes = await options.setAttributes(job.room, job.identity, {
        [AGENT_HEARTBEAT_ATTRIBUTE]: value,
      });
      reported.delete(key);
      if (callEnded(attributes) && !ended.has(job.id)) {
        ended.add(job.id);
        options.onCallEnded?.(job.id);
      }
    } catch (error) {
      if (!reported.has(key)) {
        reported.add(key);
        options.logger.debug(
          { err: { message: (error as Error).message } },
          'heartbeat not set (agent not in its room)',
        );
      }
    } finally {
      inFlight.delete(key);
    }
  };

  const beat = async (): Promise<void> => {
    beats += 1;
    const value = String(beats);
    const jobs = [...options.jobs()];
    const current = new Set(jobs.map((job) => `${job.room}/${job.identity}`));
    for (const key of reported) if (!current.has(key)) reported.delete(key);
    const ids = new Set(jobs.map((job) => job.id));
    for (const id of ended) if (!ids.has(id)) ended.delete(id);
    await Promise.all(jobs.map((job) => beatJob(job, value)));
  };

  return {
    beat,
    start() {
      if (timer !== undefined) return;
      const handle = every(() => void beat(), options.intervalMs ?? AGENT_HEARTBEAT_INTERVAL_MS);
      handle.unref?.();
      timer = handle;
    },
    stop() {
      if (timer === undefined) return;
      clear(timer);
      timer = undefined;
    },
  };
}

/** The framework's running job (`AgentServer.activeJobs`) as a {@link BeatingJob}. */
export function beatingJobOf(info: {
  readonly job: { readonly id: string; readonly room?: { readonly name?: string } | undefined };
  readonly acceptArguments?: { readonly identity?: string } | undefined;
}): BeatingJob | undefined {
  const room = info.job.room?.name;
  const identity = info.acceptArguments?.identity;
  if (!room || !identity) return undefined;
  return { id: info.job.id, room, identity };
}
