// Where the session stands in the switchboard's call queue (every agent was busy when it started):
// the place in line and the wait so far, then, once an agent came, how long the wait was.
import { useEffect, useState } from 'react';
import type { QueueEntry } from '../record';

export interface QueueStatusProps {
  /** The latest queue report (record.ts `currentQueue`), or undefined: never queued. */
  queue: QueueEntry | undefined;
  now: () => number;
  /** When the session ended, if it did: a wait cut short stops counting there. */
  endedAt?: number | undefined;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A running wait, M:SS. */
export function formatWaitClock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${two(seconds % 60)}`;
}

/** A finished wait: 12 s, 2 min 05 s. */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${two(seconds % 60)} s`;
}

export function QueueStatus({ queue, now, endedAt }: QueueStatusProps) {
  const waiting = queue?.state === 'waiting' && endedAt === undefined;
  // The wait counts up between the switchboard's reports (it reports when the position moves).
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(() => setTick((tick) => tick + 1), 1_000);
    return () => clearInterval(timer);
  }, [waiting]);
  if (queue === undefined) return null;

  const position = queue.position === undefined ? '' : ` (position ${queue.position})`;
  switch (queue.state) {
    case 'waiting': {
      const waited = (queue.waitedMs ?? 0) + Math.max(0, (endedAt ?? now()) - queue.receivedAt);
      return (
        <div className="queue-status" data-state="waiting" role="status">
          <p className="queue-line">
            In queue
            {queue.position !== undefined && <> — position {queue.position}</>} · waiting{' '}
            {formatWaitClock(waited)}
          </p>
          <p className="hint">
            Every agent is busy: the switchboard plays hold audio until one is free.
          </p>
        </div>
      );
    }
    case 'connected':
      return (
        <div className="queue-status" data-state="connected" role="status">
          <p className="queue-line">
            Waited {formatWait(queue.waitedMs ?? 0)} in queue{position}
          </p>
        </div>
      );
    case 'full':
      return (
        <div className="queue-status notice notice-warning" data-state="full" role="status">
          <p className="notice-title">The queue is full</p>
          <p>Every agent is busy and the line is full: the switchboard ends the session.</p>
        </div>
      );
  }
}
