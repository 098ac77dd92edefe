export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a sample. */
export function percentiles(sample: readonly number[]): Percentiles {
  if (sample.length === 0) throw new Error('no samples');
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1]! };
}
