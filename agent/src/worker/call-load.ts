// Which calls this worker takes, and the load it reports to livekit-server. Load is the worker's
// share of its calls, not CPU: livekit-server (v1.13.5, agentservice.go) weighs each available
// worker by max(0, 1 - load) and refuses the job when every weight is 0, with no retry; the
// framework's default, whole-machine CPU clamped to 1, is exactly 1 on a 2-core box that is busy
// starting the stack, and the first caller after a start was left ringing.
//
// The reported load stays below 1 even when the worker is full (livekit.yaml sets agents.target_load
// to 1: livekit-server routes a job only while some worker's load is under it), and the worker
// declines a job past AGENT_MAX_CALLS itself; livekit-server then offers it to another worker, or
// to none (the switchboard queues the caller). A worker reports its load only every 2.5 s, so a
// worker reporting "full" would keep refusing for up to 2.5 s after a call ended, while queued
// callers wait: deciding here, on the exact count, takes the next call at once. A job whose caller
// has left is not counted, though its process is still closing.

import { queueWaitOf } from '@ecommerce-voicebot/contracts';

/** The part of the framework's AgentServer the load function reads. */
export interface ServerWithJobs {
  readonly activeJobs: readonly {
    readonly job: { readonly id: string; readonly room?: { readonly name?: string } | undefined };
    /** The identity the job's agent joins with (the heartbeat sets its attributes). */
    readonly acceptArguments?: { readonly identity?: string } | undefined;
  }[];
}

/** The part of a JobRequest the admission uses. */
export interface JobOffer {
  readonly id: string;
  readonly job?: {
    /** The dispatch's metadata: a queued caller's says so (contracts/src/queue.ts). */
    readonly metadata?: string;
    readonly dispatchId?: string;
    readonly room?: { readonly name?: string } | undefined;
  };
  accept(): Promise<void>;
  reject(): Promise<void>;
}

/**
 * How sharply the reported load rises with the calls. livekit-server picks among the available
 * workers at random, weighted by 1 - load. With a load proportional to the calls, a worker with 1
 * call of 3 still got the next call 43 % of the time against an idle one, and one worker host ran
 * full while another had room (bench:scale, 2026-12-06). 1 - (1 - share)^4 keeps the order and
 * the range and weights each worker by (1 - share)^4: the idle one gets 76 % of the next calls.
 */
export const LOAD_CURVE_EXPONENT = 4;

/** The load reported for `activeCalls` of at most `maxCalls`: 0 when idle, below 1 when full. */
export function callLoad(activeCalls: number, maxCalls: number): number {
  if (!Number.isInteger(maxCalls) || maxCalls < 1)
    throw new RangeError('maxCalls must be a positive integer');
  const share = Math.min(maxCalls, Math.max(0, activeCalls)) / (maxCalls + 1);
  return 1 - (1 - share) ** LOAD_CURVE_EXPONENT;
}

/**
 * The framework's `loadThreshold` (it says "full" at a load at or above it) for a worker full at
 * `shareOfMax` of its `maxCalls` (AGENT_LOAD_THRESHOLD). At 1 the worker never says so: the
 * reported load stays below 1, and past its maximum it declines each job itself.
 */
export function loadThresholdFor(shareOfMax: number, maxCalls: number): number {
  const load = callLoad(shareOfMax * maxCalls, maxCalls); // checks maxCalls for any share
  return shareOfMax >= 1 ? 1 : load;
}

/** An accepted job not seen running after this long never started (its process failed). */
const START_GRACE_MS = 15_000;

/**
 * How long a queued caller's dispatch may wait for a slot on a full worker. The switchboard asks
 * for the head of the line as soon as an agent leaves its call, but that agent's job still counts
 * here while its session closes (1-1.5 s on a busy host); declining it would cost the caller
 * another round of dispatches. livekit-server waits up to 10 s for an answer.
 */
export const QUEUED_SLOT_WAIT_MS = 2_000;
const SLOT_POLL_MS = 50;

export interface CallAdmission {
  /** `ServerOptions.loadFunc`. */
  loadFunc(server: ServerWithJobs): Promise<number>;
  /** `ServerOptions.requestFunc`: accepts while the worker has fewer than `maxCalls` calls. */
  requestFunc(offer: JobOffer): Promise<void>;
  /**
   * The job's caller has left (its agent says so, worker/job-heartbeat.ts): it no longer counts,
   * though its process takes a second more to close the session and write the call record.
   */
  callEnded(jobId: string): void;
}

export function createCallAdmission(
  maxCalls: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  /** A job accepted: the worker says so in its room (job-taken-mark.ts). */
  onAccepted: (offer: JobOffer) => void = () => undefined,
): CallAdmission {
  callLoad(0, maxCalls);
  let server: ServerWithJobs | undefined;
  /** Jobs accepted here and not yet seen running, by when they were accepted. */
  const starting = new Map<string, number>();
  /** Running jobs whose caller has left. */
  const ended = new Set<string>();

  const calls = (): number => {
    const running = new Set(server?.activeJobs.map((info) => info.job.id) ?? []);
    const at = now();
    for (const [id, acceptedAt] of starting)
      if (running.has(id) || at - acceptedAt > START_GRACE_MS) starting.delete(id);
    for (const id of ended) if (!running.has(id)) ended.delete(id);
    return running.size - ended.size + starting.size;
  };

  return {
    async loadFunc(current) {
      server = current;
      return callLoad(calls(), maxCalls);
    },
    async requestFunc(offer) {
      if (calls() >= maxCalls && queueWaitOf(offer.job?.metadata) !== undefined) {
        const until = now() + QUEUED_SLOT_WAIT_MS;
        while (calls() >= maxCalls && now() < until) await sleep(SLOT_POLL_MS);
      }
      if (calls() >= maxCalls) {
        await offer.reject();
        return;
      }
      starting.set(offer.id, now());
      await offer.accept();
      onAccepted(offer);
    },
    callEnded(jobId) {
      if (server?.activeJobs.some((info) => info.job.id === jobId)) ended.add(jobId);
    },
  };
}
