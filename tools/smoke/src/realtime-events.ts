// One Realtime API event as the smoke test keeps it: which way it went and what it was, with long
// strings (base64 audio) cut, so a saved sequence stays small and shows shapes, not payloads.
export type Direction = 'client' | 'server';

export interface RealtimeEvent {
  /** client: sent by the plugin; server: received by it. */
  direction: Direction;
  type: string;
  event: Record<string, unknown>;
}

/** Strings longer than this are saved as `"<N chars>"` (still a string: the shape is kept). */
const MAX_STRING = 160;

export function compactValue(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > MAX_STRING ? `<${value.length} chars>` : value;
  if (Array.isArray(value)) return value.map(compactValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactValue(v)]));
  return value;
}

export function compactEvent(event: RealtimeEvent): RealtimeEvent {
  return { ...event, event: compactValue(event.event) as Record<string, unknown> };
}

/**
 * The plugin never logs `input_audio_buffer.append` (the caller's audio, ten a second), so it is
 * left out of every sequence the smoke test compares.
 */
export const UNLOGGED_CLIENT_EVENTS: ReadonlySet<string> = new Set(['input_audio_buffer.append']);

/**
 * Server events the plugin's log has or misses by timing: `session.created` comes as soon as the
 * socket opens, and the plugin attaches its message handler only after `createWsConn()` resolved
 * on open (realtime_model.js, `runWs()` sets `onmessage`), so it is logged in some runs and dropped
 * unseen in others (the plugin does not need it). Left out of the order and type comparisons;
 * its fields are still compared when both runs have it.
 */
export const TIMING_DEPENDENT_SERVER_EVENTS: ReadonlySet<string> = new Set(['session.created']);

/** Saved as JSON Lines, one event a line. */
export function toJsonLines(events: readonly RealtimeEvent[]): string {
  return events.map((e) => JSON.stringify(compactEvent(e))).join('\n') + '\n';
}

export function fromJsonLines(text: string): RealtimeEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RealtimeEvent);
}
