// Small formatting helpers shared by the panels.

const two = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, HH:MM:SS. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local wall-clock time with milliseconds, for tooltips. */
export function formatClockPrecise(epochMs: number): string {
  const d = new Date(epochMs);
  return `${formatClock(epochMs)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Offset from the session start, +M:SS.s */
export function formatOffset(epochMs: number, startMs: number | undefined): string {
  if (startMs === undefined) return '';
  const ms = Math.max(0, epochMs - startMs);
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `+${minutes}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** A duration in ms as people read it: 380 ms, 1.35 s. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Pretty JSON for the inspector (strings shown as they are). */
export function formatJson(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
