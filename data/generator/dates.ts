/**
 * Calendar helpers. Dates are whole UTC day numbers (days since 1970-01-01) so that all
 * arithmetic is integer and the output never depends on the machine's clock or time zone.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of an ISO date `YYYY-MM-DD`. */
export function dayNumber(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error(`not a YYYY-MM-DD date: ${isoDate}`);
  const [, year, month, day] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) / MS_PER_DAY;
}

/** The store's fixed "today": every generated date is relative to it, never to the real clock. */
export const TODAY = dayNumber('2026-11-20');

/** Latest time of day (seconds) a `last_updated` timestamp may have on TODAY: 12:00:00Z. */
export const NOW_SECOND_OF_DAY = 12 * 3600;

/** Orders go back about 18 months. */
export const ORDER_WINDOW_START = dayNumber('2025-05-20');

/** The store opened here: no customer is a member from before this day. */
export const STORE_OPENED = dayNumber('2019-01-01');

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH:MM:SSZ` of a day number plus a second of that day. */
export function formatTimestamp(day: number, secondOfDay: number): string {
  return `${new Date(day * MS_PER_DAY + secondOfDay * 1000).toISOString().slice(0, 19)}Z`;
}
