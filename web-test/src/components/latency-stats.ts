// Session latency statistics from the agent's per-turn `latency` events (pure functions).
import type { LatencyEvent } from '@ecommerce-voicebot/contracts';

export const LATENCY_METRICS = [
  'endOfSpeechToFirstAudioMs',
  'ttftMs',
  'toolMs',
  'eouDelayMs',
] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

export const METRIC_LABELS: Record<LatencyMetric, string> = {
  endOfSpeechToFirstAudioMs: 'End of speech → first audio',
  ttftMs: 'Model time (TTFT)',
  toolMs: 'Tool time',
  eouDelayMs: 'End-of-turn delay',
};

export const METRIC_SHORT_LABELS: Record<LatencyMetric, string> = {
  endOfSpeechToFirstAudioMs: 'Speech end → audio',
  ttftMs: 'TTFT',
  toolMs: 'Tools',
  eouDelayMs: 'EOU delay',
};

/**
 * The p-th percentile by nearest rank (the smallest value with at least p% of the values at or
 * below it): always one of the measured values, so p95 of five turns is the slowest turn.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(p > 0 && p <= 100)) throw new RangeError('p must be in (0, 100]');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface MetricSummary {
  /** Turns that carried this metric. */
  count: number;
  p50: number | undefined;
  p95: number | undefined;
  max: number | undefined;
}

export type LatencySummary = Record<LatencyMetric, MetricSummary>;

type LatencyTurn = Pick<LatencyEvent, 'turn' | LatencyMetric>;

/** The last report per turn (the agent sends one; a repeat replaces it), in turn order. */
export function latestPerTurn<T extends LatencyTurn>(events: readonly T[]): T[] {
  const byTurn = new Map<number, T>();
  for (const event of events) byTurn.set(event.turn, event);
  return [...byTurn.values()].sort((a, b) => a.turn - b.turn);
}

export function summarizeLatency(events: readonly LatencyTurn[]): LatencySummary {
  const turns = latestPerTurn(events);
  const summary = {} as LatencySummary;
  for (const metric of LATENCY_METRICS) {
    const values = turns
      .map((turn) => turn[metric])
      .filter((value): value is number => value !== undefined);
    summary[metric] = {
      count: values.length,
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      max: values.length ? Math.max(...values) : undefined,
    };
  }
  return summary;
}
