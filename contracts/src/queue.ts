// What the switchboard tells the agent about a caller it connects from the call queue: it puts
// this in the dispatch's metadata, and the agent writes it into the call record.

export interface QueueWait {
  /** How long the caller waited in the queue, in ms. */
  readonly waitedMs: number;
  /** Their position when they entered the queue (1 = next). */
  readonly position: number;
}

export function queueDispatchMetadata(wait: QueueWait): string {
  return JSON.stringify({
    queue: { waitedMs: Math.round(wait.waitedMs), position: wait.position },
  });
}

/** The queue wait in a dispatch's metadata, or undefined (not queued, or not ours). */
export function queueWaitOf(metadata: string | undefined): QueueWait | undefined {
  if (!metadata?.startsWith('{')) return undefined;
  try {
    const queue = (JSON.parse(metadata) as { queue?: Partial<QueueWait> }).queue;
    const { waitedMs, position } = queue ?? {};
    return Number.isFinite(waitedMs) && Number.isInteger(position) && waitedMs! >= 0
      ? { waitedMs: waitedMs!, position: position! }
      : undefined;
  } catch {
    return undefined;
  }
}
