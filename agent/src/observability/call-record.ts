import type { QueueWait } from '@ecommerce-voicebot/contracts';
import { appendFile, chmod, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CallLogger, Clock, ToolCallEvent } from './types.js';
import type { CallTurn, TurnLatency } from './call-event.js';

export { maskPhone } from './redact.js';

/**
 * One JSON Lines file per call, written line by line as the call happens, so a worker that dies
 * mid-call leaves a readable partial record. It is QA material: it holds the transcript and the
 * tool arguments and results (phone numbers masked), never the caller's full number.
 * See README.md in this folder for the line types.
 */

export const CALL_RECORD_VERSION = 1;

/** The records folder, its day folders and the records are the worker user's alone. */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

export type CallKind = 'sip' | 'web';

export interface CallStartedLine {
  type: 'call_started';
  /** Record format version. */
  v: typeof CALL_RECORD_VERSION;
  at: number;
  callId: string;
  kind: CallKind;
  startedAt: number;
  callerNumberMasked?: string;
  /**
   * Whether the caller's number was passed to the store as verifying them, and why (a reason of
   * contracts/src/caller-id.ts, or `qa_tester`); never the number.
   */
  callerId?: CallerIdDecision;
  /** Set when the caller waited in the switchboard's call queue before this agent came. */
  queue?: QueueWait;
  /**
   * Set when this agent took over the call from one whose host died mid-call: the earlier part of
   * the call is in that host's record of the same callId.
   */
  takeover?: true;
}

export interface CallerIdDecision {
  readonly trusted: boolean;
  readonly reason: string;
}

/** One transcript message (see {@link CallTurn}), as the record writes it. */
export interface TurnLine extends CallTurn {
  type: 'turn';
}

export interface ToolCallLine extends ToolCallEvent {
  type: 'tool_call';
  at: number;
  /** The user turn (see LatencyLine.turn) the tool ran in, if one was open. */
  turn?: number;
  /**
   * `toolset`: reported by our MCP toolset. `framework`: a tool the toolset did not report (a
   * built-in tool such as ending the call), read from the session's `function_tools_executed`
   * event; its duration is the time between the model's call and the tool's output.
   */
  source: 'toolset' | 'framework';
}

/** One turn's latency (see {@link TurnLatency}), as the record writes it. */
export interface LatencyLine extends TurnLatency {
  type: 'latency';
  at: number;
}

export interface ErrorLine {
  type: 'error';
  at: number;
  /** The error's type, e.g. `realtime_model_error`, and the component's label. */
  errorType: string;
  label?: string;
  message: string;
  recoverable: boolean;
}

export interface CallEndedLine {
  type: 'call_ended';
  at: number;
  reason: string;
  durationMs: number;
}

/** The transcript in conversation order, written once as the call ends (before `call_ended`). */
export interface TranscriptLine {
  type: 'transcript';
  at: number;
  turns: readonly CallTurn[];
}

export type CallRecordLine =
  | CallStartedLine
  | TurnLine
  | ToolCallLine
  | LatencyLine
  | ErrorLine
  | TranscriptLine
  | CallEndedLine;

/** The lines a caller appends; `call_started` and `call_ended` are written by the recorder. */

export type CallRecordEntry = TurnLine | ToolCallLine | LatencyLine | ErrorLine | TranscriptLine;

export interface CallRecorder {
  /** The record file's path. */
  readonly path: string;
  /** Queues a line; never throws (write failures are logged). Ignored after `end`. */
  append(entry: CallRecordEntry): void;
  /** Writes `call_ended` and resolves once every queued line is on disk (or failed). Idempotent. */
  end(reason: string, endedAt?: number): Promise<void>;
  /** Resolves once every line queued so far is written (or failed). */
  flush(): Promise<void>;
}

export interface CallRecorderOptions {
  /** The records folder; created if missing. */
  dir: string;
  callId: string;
  /** Epoch ms; also picks the day folder (UTC). */
  startedAt: number;
  callerNumberMasked?: string;
  callerId?: CallerIdDecision;
  queue?: QueueWait;
  takeover?: boolean;
  kind: CallKind;
  logger: CallLogger;
  /** For `end()` without `endedAt`. Defaults to `Date.now`. */
  clock?: Clock;
}

/** A call id made safe as a file name: letters, digits, `.`, `_` and `-` only, no leading dot. */
export function callRecordFileName(callId: string): string {
  const safe = callId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  return `${safe === '' || safe.startsWith('.') ? `_${safe}` : safe}.jsonl`;
}

/** `${dir}/YYYY-MM-DD/${callId}.jsonl`, the day being `startedAt`'s UTC date. */
export function callRecordPath(dir: string, callId: string, startedAt: number): string {
  const day = new Date(startedAt).toISOString().slice(0, 10);
  return join(dir, day, callRecordFileName(callId));
}

export function createCallRecorder(options: CallRecorderOptions): CallRecorder {
  const { dir, callId, startedAt, callerNumberMasked, kind, logger } = options;
  const clock = options.clock ?? Date.now;
  const path = callRecordPath(dir, callId, startedAt);
  let queue: Promise<void> = Promise.resolve();
  let failures = 0;
  let ended: Promise<void> | undefined;

  const enqueue = (task: () => Promise<void>, what: string): void => {
    queue = queue.then(async () => {
      try {
        await task();
      } catch (error) {
        failures += 1;
        // The first failure says why; the rest (usually the same cause) are counted at the end.
        if (failures === 1) {
          logger.error(
            { callId, path, what, err: describeError(error) },
            'call record write failed',
          );
        }
      }
    });
  };

  const write = (line: CallRecordLine): void =>
    enqueue(
      () => appendFile(path, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: PRIVATE_FILE }),
      line.type,
    );

  // Records hold transcripts and tool data: only the worker's user may open them. mkdir and open
  // apply the process umask and leave existing modes alone; chmod does neither.
  enqueue(async () => {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    try {
      await chmod(dir, PRIVATE_DIR);
    } catch (error) {
      // A shared folder the worker may write in but does not own: the day folder still keeps
      // others out, so the call is recorded, and the admin told.
      logger.warn(
        { callId, dir, err: describeError(error) },
        'calls folder cannot be made private',
      );
    }
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR });
    await chmod(dirname(path), PRIVATE_DIR);
    const file = await open(path, 'a', PRIVATE_FILE);
    try {
      await file.chmod(PRIVATE_FILE);
    } finally {
      await file.close();
    }
  }, 'mkdir');
  const started: CallStartedLine = {
    type: 'call_started',
    v: CALL_RECORD_VERSION,
    at: startedAt,
    callId,
    kind,
    startedAt,
    ...(callerNumberMasked !== undefined ? { callerNumberMasked } : {}),
    ...(options.callerId !== undefined ? { callerId: options.callerId } : {}),
    ...(options.queue !== undefined ? { queue: { ...options.queue } } : {}),
    ...(options.takeover === true ? { takeover: true as const } : {}),
  };
  write(started);

  return {
    path,
    append(entry) {
      if (ended !== undefined) {
        logger.debug({ callId, type: entry.type }, 'call record already ended; line dropped');
        return;
      }
      write(entry);
    },
    end(reason, endedAt = clock()) {
      if (ended !== undefined) return ended;
      write({
        type: 'call_ended',
        at: endedAt,
        reason,
        durationMs: Math.max(0, endedAt - startedAt),
      });
      ended = queue.then(() => {
        if (failures > 0) {
          logger.error({ callId, path, failedWrites: failures }, 'call record is incomplete');
        }
      });
      return ended;
    },
    flush() {
      return queue;
    },
  };
}

function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined ? { code, message: error.message } : { message: error.message };
  }
  return { message: String(error) };
}

/**
 * Reads a call record (for tests and QA tools). A torn last line (the worker died mid-write) is
 * skipped; any other malformed line throws, naming its line number.
 */
export async function readCallRecord(path: string): Promise<CallRecordLine[]> {
  const text = await readFile(path, 'utf8');
  const rows = text.split('\n');
  const lines: CallRecordLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.trim() === '') continue;
    const isLast = index === rows.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row);
    } catch {
      if (isLast) break;
      throw new Error(`${path}:${index + 1}: not a JSON line`);
    }
    if (!isRecordLine(parsed)) throw new Error(`${path}:${index + 1}: not a call record line`);
    lines.push(parsed);
  }
  return lines;
}

const LINE_TYPES = new Set<string>([
  'call_started',
  'turn',
  'tool_call',
  'latency',
  'error',
  'transcript',
  'call_ended',
]);

function isRecordLine(value: unknown): value is CallRecordLine {
  if (value === null || typeof value !== 'object') return false;
  const { type, at } = value as { type?: unknown; at?: unknown };
  return typeof type === 'string' && LINE_TYPES.has(type) && typeof at === 'number';
}
