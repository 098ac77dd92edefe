// What the switchboard tells the agent about a caller it connects from the call queue: it puts
// this in the dispatch's metadata, and the agent writes it into the call record.

export interface QueueWait {
  /** How long the caller waited in the queue, in ms. */
  readonly waitedMs: number;
  /** Their position when they entered the queue (1 = next). */
  readonly position: number;
  /**
   * When the dispatch was made (epoch ms, the switchboard's clock): a full worker may hold a queued
   * caller's dispatch until a slot frees, and the caller waits on meanwhile.
   */
  readonly dispatchedAt?: number;
}

/** The longest a held dispatch is counted for: more is a clock out of step, not a wait. */
const MAX_HELD_MS = 10_000;

export function queueDispatchMetadata(wait: QueueWait): string {
  return JSON.stringify({
    queue: {
      waitedMs: Math.round(wait.waitedMs),
      position: wait.position,
      ...(wait.dispatchedAt === undefined ? {} : { dispatchedAt: Math.round(wait.dispatchedAt) }),
    },
  });
}

/** The whole wait at `now` (epoch ms): the wait at dispatch plus how long the dispatch was held. */
export function queueWaitAt(wait: QueueWait, now: number): QueueWait {
  const held =
    wait.dispatchedAt === undefined
      ? 0
      : Math.min(MAX_HELD_MS, Math.max(0, now - wait.dispatchedAt));
  return { waitedMs: wait.waitedMs + held, position: wait.position };
}

/** The queue wait in a dispatch's metadata, or undefined (not queued, or not ours). */
export function queueWaitOf(metadata: string | undefined): QueueWait | undefined {
  if (!metadata?.startsWith('{')) return undefined;
  try {
    const queue = (JSON.parse(metadata) as { queue?: Partial<QueueWait> }).queue;
    const { waitedMs, position, dispatchedAt } = queue ?? {};
    if (!(Number.isFinite(waitedMs) && Number.isInteger(position) && waitedMs! >= 0))
      return undefined;
    return {
      waitedMs: waitedMs!,
      position: position!,
      ...(Number.isFinite(dispatchedAt) ? { dispatchedAt: dispatchedAt! } : {}),
    };
  } catch {
    return undefined;
  }
}
