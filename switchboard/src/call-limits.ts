// The line's limits, as a pure policy over the calls it is told about: how many calls the line
// carries at once, how many one caller has open and starts in a window, and how many new calls
// one trunk (a carrier, or anyone on the guard trunk) brings per minute. A caller's number is a
// claim, so the per-caller limits slow one abuser down; the line and trunk limits still hold
// when an attacker changes numbers on every call. A QA tester's browser session takes a worker and
// a model session as a call does, so it counts toward the line's calls; it has no number and no
// trunk (the token API rate-limits sessions), so the per-caller and per-trunk limits skip it.
import type { LineLimits } from './config.js';

/** One new call as the switchboard sees it. Nothing here is a phone number. */
export interface NewCall {
  /** The call's room (one room per call) and the caller's participant identity in it. */
  readonly room: string;
  readonly identity: string;
  /** The trunk the call came in on ('' when the bridge did not say). */
  readonly trunkId: string;
  /** A salted key of the caller's number (caller-key.ts), or undefined for a withheld number. */
  readonly callerKey: string | undefined;
  /** `tester`: a QA tester's browser session (token API room); absent: a phone call. */
  readonly kind?: 'tester';
}

export type RefusalReason = 'line_full' | 'caller_busy' | 'caller_rate' | 'trunk_rate';

export type Verdict =
  | { readonly admitted: true; readonly lineCalls: number }
  | { readonly admitted: false; readonly reason: RefusalReason; readonly lineCalls: number };

export interface CallLimits {
  /** Decides a new call and, admitted or not, counts it as an attempt for the rates. */
  admit(call: NewCall): Verdict;
  /** A call already on the line when the switchboard started: open, not a new attempt. */
  adopt(call: NewCall): void;
  /** The call's caller left or its room closed: it no longer counts as open. */
  end(room: string, identity?: string): void;
  /** Whether this caller's call was admitted and is still open. */
  isOpen(room: string, identity: string): boolean;
  /** Calls the line carries now. */
  readonly openCalls: number;
}

/** Withheld numbers share one key per trunk: one anonymous abuser cannot take the whole line. */
const ANONYMOUS = 'anonymous';
/** Testers' key: without a `/`, so it never equals a phone caller's `trunk/key`. */
const TESTER = 'tester';
const MINUTE_MS = 60_000;
/** Memory stays bounded whatever numbers an attacker sends: the oldest keys go first. */
const MAX_TRACKED_KEYS = 50_000;

/** Start times of recent attempts per key, pruned as they leave their window. */
class SlidingWindows {
  private readonly starts = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}

  /** Attempts in the window before this one; then records this one at `now`. */
  countThenAdd(key: string, now: number): number {
    const recent = (this.starts.get(key) ?? []).filter((at) => now - at < this.windowMs);
    const before = recent.length;
    recent.push(now);
    this.starts.delete(key);
    this.starts.set(key, recent);
    if (this.starts.size > MAX_TRACKED_KEYS) {
      const oldest = this.starts.keys().next().value;
      if (oldest !== undefined) this.starts.delete(oldest);
    }
    return before;
  }
}

export function createCallLimits(limits: LineLimits, now: () => number = Date.now): CallLimits {
  /** Open calls: room → caller identity → caller key. */
  const open = new Map<string, Map<string, string>>();
  const callerStarts = new SlidingWindows(limits.callerWindowMs);
  const trunkStarts = new SlidingWindows(MINUTE_MS);

  const openCalls = () => [...open.values()].reduce((sum, callers) => sum + callers.size, 0);
  const openForCaller = (key: string) =>
    [...open.values()].reduce(
      (sum, callers) => sum + [...callers.values()].filter((held) => held === key).length,
      0,
    );

  const keyOf = (call: NewCall) =>
    call.kind === 'tester' ? TESTER : `${call.trunkId}/${call.callerKey ?? ANONYMOUS}`;
  const hold = (call: NewCall) => {
    const callers = open.get(call.room) ?? new Map<string, string>();
    callers.set(call.identity, keyOf(call));
    open.set(call.room, callers);
  };

  return {
    admit(call) {
      if (call.kind === 'tester') {
        const lineCalls = openCalls();
        if (open.get(call.room)?.has(call.identity)) return { admitted: true, lineCalls };
        if (lineCalls >= limits.lineMaxCalls)
          return { admitted: false, reason: 'line_full', lineCalls };
        hold(call);
        return { admitted: true, lineCalls: lineCalls + 1 };
      }
      const at = now();
      const key = keyOf(call);
      // Every attempt counts toward the rates, so a refused flood stays refused.
      const trunkRecent = trunkStarts.countThenAdd(call.trunkId, at);
      const callerRecent = callerStarts.countThenAdd(key, at);
      const lineCalls = openCalls();
      const refuse = (reason: RefusalReason): Verdict => ({ admitted: false, reason, lineCalls });
      if (open.get(call.room)?.has(call.identity)) return { admitted: true, lineCalls };
      if (lineCalls >= limits.lineMaxCalls) return refuse('line_full');
      if (trunkRecent >= limits.trunkMaxNewCallsPerMinute) return refuse('trunk_rate');
      if (openForCaller(key) >= limits.callerMaxCalls) return refuse('caller_busy');
      if (callerRecent >= limits.callerMaxNewCalls) return refuse('caller_rate');
      hold(call);
      return { admitted: true, lineCalls: lineCalls + 1 };
    },
    adopt: hold,
    end(room, identity) {
      if (identity === undefined) {
        open.delete(room);
        return;
      }
      const callers = open.get(room);
      callers?.delete(identity);
      if (callers?.size === 0) open.delete(room);
    },
    isOpen(room, identity) {
      return open.get(room)?.has(identity) ?? false;
    },
    get openCalls() {
      return openCalls();
    },
  };
}
