// When to try the MCP server again: a backoff for background reconnects, and deadlines so that no
// attempt outlives the tool call that is waiting for it.

/** Delays between background connection attempts; the last one repeats. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000];

/** The wait before the next background attempt, after `failedAttempts` failures in a row. */
export function retryDelay(delays: readonly number[], failedAttempts: number): number {
  const step = Math.max(0, Math.min(failedAttempts - 1, delays.length - 1));
  return delays[step] ?? 1_000;
}

/** At most one pending retry; it never keeps the process alive. */
export interface RetryTimer {
  /** Runs `retry` after `delayMs`, unless a retry is already pending. */
  schedule(delayMs: number, retry: () => void): void;
  cancel(): void;
}

export function createRetryTimer(): RetryTimer {
  let timer: NodeJS.Timeout | undefined;
  return {
    schedule(delayMs, retry) {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        retry();
      }, delayMs);
      timer.unref();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Rejects when `promise` has not settled within `ms` (the promise itself carries on). */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('connect deadline')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
