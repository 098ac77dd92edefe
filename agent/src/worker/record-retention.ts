// Call records hold transcripts and tool data about callers: they are kept for QA as long as the
// admin set (CALL_RECORD_RETENTION_DAYS), then deleted. The worker's main process purges them at
// start and once a day; several workers sharing one records folder may purge it at the same time.
import { readdir, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The day folders call-record.ts makes: `YYYY-MM-DD`, the UTC day the call started. */
const DAY_FOLDER = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface RecordRetentionOptions {
  /** The records folder (CALLS_DIR). */
  callsDir: string;
  /** Records are kept at least this many whole days after their call's UTC day; at least 1. */
  retentionDays: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  /** Between purges; one day by default. */
  intervalMs?: number;
}

export interface PurgeResult {
  /** Day folders removed entirely. */
  days: number;
  /** Record files (`*.jsonl`) deleted. */
  records: number;
}

export interface RecordRetention {
  /** One pass; never rejects (failures are logged). */
  purge(): Promise<PurgeResult>;
  /** Purges now, then every `intervalMs`. */
  start(): void;
  stop(): void;
}

/**
 * The day folder's UTC midnight (epoch ms), or undefined when the name is not a real date (then the
 * folder is not ours and is left alone).
 */
function dayStart(name: string): number | undefined {
  const match = DAY_FOLDER.exec(name);
  if (match === null) return undefined;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(at).toISOString().slice(0, 10) === name ? at : undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function createRecordRetention(options: RecordRetentionOptions): RecordRetention {
  const { callsDir, retentionDays, logger } = options;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError('retentionDays must be a whole number of days, at least 1');
  }
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? DAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PurgeResult> | undefined;

  /** Deletes a day's records, then the folder if nothing else is in it. */
  const purgeDay = async (day: string, result: PurgeResult): Promise<void> => {
    const folder = join(callsDir, day);
    const entries = await readdir(folder, { withFileTypes: true });
    let others = 0;
    for (const entry of entries) {
      // Only what the recorder writes: anything else was put there by someone, for a reason.
      if (!entry.isFile() || !entry.name.endsWith('.jsonl')) {
        others += 1;
        continue;
      }
      try {
        await unlink(join(folder, entry.name));
        result.records += 1;
      } catch (error) {
        // Another worker purging the same folder got there first.
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
    if (others > 0) {
      logger.warn({ day, others }, 'expired call records deleted; other files kept in the folder');
      return;
    }
    try {
      await rmdir(folder);
      result.days += 1;
    } catch (error) {
      // ENOTEMPTY: a record was made there meanwhile (the clock was set back): the next purge.
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTEMPTY') throw error;
    }
  };

  const purgeOnce = async (): Promise<PurgeResult> => {
    const result: PurgeResult = { days: 0, records: 0 };
    let entries;
    try {
      entries = await readdir(callsDir, { withFileTypes: true });
    } catch (error) {
      // No call was recorded yet.
      if (errorCode(error) === 'ENOENT') return result;
      logger.warn({ code: errorCode(error) }, 'call records folder cannot be read for purging');
      return result;
    }
    const at = now();
    for (const entry of entries) {
      const start = dayStart(entry.name);
      // Symbolic links are not followed: a link to elsewhere must not get that place deleted.
      if (start === undefined || !entry.isDirectory()) continue;
      // Expired once its last call started more than `retentionDays` days ago.
      if (start + (retentionDays + 1) * DAY_MS > at) continue;
      try {
        await purgeDay(entry.name, result);
      } catch (error) {
        logger.warn({ day: entry.name, code: errorCode(error) }, 'expired call records not purged');
      }
    }
    if (result.records > 0 || result.days > 0) {
      logger.info({ ...result, retentionDays }, 'expired call records purged');
    }
    return result;
  };

  const purge = (): Promise<PurgeResult> => {
    // One pass at a time: a slow disk must not pile passes up.
    running ??= purgeOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    purge,
    start() {
      if (timer !== undefined) return;
      void purge();
      timer = setInterval(() => void purge(), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
