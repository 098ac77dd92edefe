// Per-call protections around the store's tools: the model cannot loop on one question, and only
// a caller number the server can read is sent (a bad one must not take the store down for a call).
import { isE164 } from '@ecommerce-voicebot/contracts';

export const DEFAULT_MAX_IDENTICAL_CALLS = 3;

/**
 * Canonical form of tool arguments for the loop breaker: object keys sorted, null/undefined values
 * dropped, strings trimmed and lower-cased (ids and emails are case-insensitive to the server).
 */
export function canonicalArgs(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (typeof v === 'string') return v.trim().toLowerCase();
    if (Array.isArray(v)) return v.map(canon);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((key) => (v as Record<string, unknown>)[key] !== null)
          .filter((key) => (v as Record<string, unknown>)[key] !== undefined)
          .map((key) => [key, canon((v as Record<string, unknown>)[key])]),
      );
    }
    return v;
  };
  return JSON.stringify(canon(value ?? {})) ?? '{}';
}

/** Counts each tool call by name and canonical arguments, for one call (one toolset). */
export interface IdenticalCallLimit {
  /** Counts this call; false when the same call was already made `max` times. */
  allows(name: string, args: unknown): boolean;
}

export function createIdenticalCallLimit(max: number): IdenticalCallLimit {
  const counts = new Map<string, number>();
  return {
    allows(name, args) {
      const key = `${name}\u0000${canonicalArgs(args)}`;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count <= max;
    },
  };
}

/**
 * The caller number in E.164 (`+` and 7 to 15 digits; spaces, dots, dashes and brackets dropped),
 * or undefined. Anything else is not sent: the server refuses a session whose number it cannot
 * read (HTTP 400 on initialize, exit on stdio), and that must not take the store down for a call.
 */
export function normalizeCallerNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const compact = raw.replace(/[\s().-]/g, '');
  return isE164(compact) ? compact : undefined;
}
