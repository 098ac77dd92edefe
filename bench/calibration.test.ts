import { describe, expect, it } from 'vitest';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
  rateAtReference,
  workload,
  type Calibration,
} from './calibration.js';

/** A clock whose rounds take the given milliseconds, one after the other. */
function fakeClock(roundMs: number[]): () => number {
  const ticks: number[] = [];
  let t = 0;
  for (const ms of roundMs) ticks.push(t, (t += ms));
  return () => ticks.shift() ?? t;
}

const sample = (opsPerS: number, spread = 2, cpuShare = 1): Calibration => ({
  ops_per_s: opsPerS,
  min_ops_per_s: opsPerS,
  max_ops_per_s: opsPerS,
  spread_percent: spread,
  ops_per_cpu_s: Math.round(opsPerS / cpuShare),
  cpu_share: cpuShare,
  rounds: 5,
  ops_per_round: 10_000,
});

describe('calibration workload', () => {
  it('is deterministic: the same digest for the same number of ops, on any machine', () => {
    expect(workload(50)).toBe(workload(50));
    expect(workload(50)).not.toBe(workload(51));
    expect(workload(50)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('calibrate', () => {
  it('reports the median round, the spread, and the share of the core it had', () => {
    // 100 ops per round in 10, 20, 5, 10, 12.5 ms: 10,000, 5,000, 20,000, 10,000, 8,000 ops/s;
    // by CPU time 5 ms a round (20,000 ops/s): it had half the core.
    const result = calibrate({
      rounds: 5,
      opsPerRound: 100,
      now: fakeClock([10, 20, 5, 10, 12.5]),
      cpuNow: fakeClock([5, 5, 5, 5, 5]),
    });
    expect(result).toEqual({
      ops_per_s: 10_000,
      min_ops_per_s: 5_000,
      max_ops_per_s: 20_000,
      spread_percent: 150,
      ops_per_cpu_s: 20_000,
      cpu_share: 0.5,
      rounds: 5,
      ops_per_round: 100,
    });
  });

  it('measures the real workload, bounded', () => {
    const started = performance.now();
    const result = calibrate({ rounds: 3, opsPerRound: 200 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.ops_per_s).toBeGreaterThan(0);
    expect(result.min_ops_per_s).toBeLessThanOrEqual(result.ops_per_s);
    expect(result.max_ops_per_s).toBeGreaterThanOrEqual(result.ops_per_s);
  });
});

describe('calibration report', () => {
  it('averages start and end, shows the drift, and scales results to the reference', () => {
    const report = calibrationReport(sample(80_000), sample(60_000), 140_000);
    expect(report.ops_per_s).toBe(70_000);
    expect(report.drift_percent).toBe(-25);
    expect(report.speed).toBe(0.5);
    expect(report.quiet).toBe(false);
    // Half as fast as the reference: a rate doubles, a duration halves.
    expect(rateAtReference(1_000, report)).toBe(2_000);
    expect(durationAtReference(4, report)).toBe(2);
  });

  it('calls a run quiet only with a small spread and drift and the whole core', () => {
    expect(calibrationReport(sample(140_000, 3), sample(135_000, 5)).quiet).toBe(true);
    expect(calibrationReport(sample(140_000, 3), sample(135_000, 15)).quiet).toBe(false);
    expect(calibrationReport(sample(140_000, 3), sample(120_000, 5)).quiet).toBe(false);
    expect(calibrationReport(sample(140_000, 3, 0.8), sample(135_000, 5)).quiet).toBe(false);
  });

  it('prints one line with the start, end, drift and reference', () => {
    const line = formatCalibration(
      calibrationReport(sample(140_000, 3.5), sample(126_000, 20, 0.85)),
    );
    expect(line).toBe(
      'calibration: 133,000 ops/s (start 140,000 (spread 3.5 %, CPU share 1.00), end 126,000 (spread 20 %, CPU share 0.85), drift -10 %); ' +
        'reference 140,000 ops/s, speed 0.95× the reference; NOT quiet: other work interfered, normalised figures are rough',
    );
    expect(formatCalibration(calibrationReport(sample(140_000), sample(138_000)))).toMatch(
      /; quiet$/,
    );
  });
});
