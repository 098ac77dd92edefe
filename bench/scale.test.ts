import { describe, expect, it } from 'vitest';
import {
  capacityOf,
  equalLoadLevels,
  formatEqualLoad,
  formatRatios,
  formatSplit,
  formatSpread,
  formatTable,
  levelAtCapacity,
  parseHostCpu,
  rampGoesOn,
  scaleRatio,
  splitOf,
  spreadOf,
  twoHostMaxCalls,
  type PassRow,
  type RampLevel,
} from './scale.js';

const level = (calls: number, p95Ms: number | undefined, failures: string[] = []): RampLevel => ({
  calls,
  p95Ms,
  failures,
  passed: failures.length === 0 && p95Ms !== undefined && p95Ms <= 1000,
});

describe('capacity search', () => {
  it('is the last passing level before the first failing one', () => {
    const levels = [level(1, 700), level(2, 750), level(3, 980), level(4, 1200), level(5, 900)];
    expect(capacityOf(levels)).toBe(3);
    expect(levelAtCapacity(levels)?.p95Ms).toBe(980);
  });
  it('is the last level when every level passed, and 0 when the first failed', () => {
    expect(capacityOf([level(1, 700), level(2, 800)])).toBe(2);
    expect(capacityOf([level(1, 1100)])).toBe(0);
    expect(capacityOf([level(1, 500, ['call 0: not answered within 30 s'])])).toBe(0);
    expect(capacityOf([])).toBe(0);
    expect(levelAtCapacity([level(1, 1100)])).toBeUndefined();
  });
  it('stops the ramp at a failure, a p95 past the stop, no timed turn or the cap', () => {
    expect(rampGoesOn(level(2, 900), 1000, 16)).toBe(true);
    expect(rampGoesOn(level(2, 1001), 1000, 16)).toBe(false);
    expect(rampGoesOn(level(2, 1500), 2000, 16)).toBe(true);
    expect(rampGoesOn(level(2, 700, ['call 1: turn 2: no answer']), 1000, 16)).toBe(false);
    expect(rampGoesOn(level(2, undefined), 1000, 16)).toBe(false);
    expect(rampGoesOn(level(6, 900), 1000, 6)).toBe(false);
  });
});

describe('admission and flags', () => {
  it('sets AGENT_MAX_CALLS of the two-host pass', () => {
    expect(twoHostMaxCalls('auto', 3, 100)).toBe(3);
    expect(twoHostMaxCalls('auto', 0, 100)).toBe(100);
    expect(twoHostMaxCalls('off', 3, 100)).toBe(100);
    expect(twoHostMaxCalls('5', 3, 100)).toBe(5);
    expect(() => twoHostMaxCalls('0', 3, 100)).toThrow(/auto, off or a positive integer/);
    expect(() => twoHostMaxCalls('lots', 3, 100)).toThrow();
  });
  it('takes --host-cpu within the machine', () => {
    expect(parseHostCpu('0.5', 2)).toBe(0.5);
    expect(() => parseHostCpu('3', 2)).toThrow(/between 0.05 and 2/);
    expect(() => parseHostCpu('0', 2)).toThrow();
    expect(() => parseHostCpu('half', 2)).toThrow();
  });
});

describe('ratio and spread', () => {
  it('divides two hosts by one, and has none without a one-host capacity', () => {
    expect(scaleRatio(3, 6)).toBe(2);
    expect(scaleRatio(4, 7)).toBe(1.75);
    expect(scaleRatio(0, 2)).toBeUndefined();
  });
  it('spreads runs: min, lower median, max', () => {
    expect(spreadOf([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ min: 1, median: 2, max: 4 });
    expect(spreadOf([])).toBeUndefined();
    expect(formatSpread([3])).toBe('3');
    expect(formatSpread([1.75, 2, 1.5], 2)).toBe('1.75 (1.50-2.00 over 3 runs)');
    expect(formatSpread([])).toBe('-');
  });
  it('prints the ratio per run against the target, and over runs', () => {
    expect(formatRatios([{ one: 3, two: 6 }], 1.8)).toEqual([
      'run 1: two hosts / one host = 6 / 3 = 2.00× (target ≥ 1.8×: met)',
    ]);
    const lines = formatRatios(
      [
        { one: 4, two: 7 },
        { one: 0, two: 1 },
        { one: 3, two: 6 },
      ],
      1.8,
    );
    expect(lines[0]).toContain('1.75× (target ≥ 1.8×: NOT met)');
    expect(lines[1]).toContain('= 1 / 0 = - (target ≥ 1.8×: n/a)');
    expect(lines[3]).toBe(
      'over 3 runs: one host 3 (0-4 over 3 runs), two hosts 6 (1-7 over 3 runs), ratio 1.75 (1.75-2.00 over 2 runs)',
    );
  });
});

describe('split and table', () => {
  it('counts calls per host, unknown ones apart', () => {
    const split = splitOf(
      ['worker-2', 'worker-1', undefined, 'worker-2'],
      ['worker-1', 'worker-2'],
    );
    expect(split).toEqual({ 'worker-1': 1, 'worker-2': 2, unknown: 1 });
    expect(formatSplit(split)).toBe('worker-1 1 / worker-2 2 / unknown 1');
    expect(formatSplit(splitOf([], ['worker-1']))).toBe('-');
    expect(formatSplit({ unknown: 1, 'worker-1': 0, 'worker-2': 3 })).toBe(
      'worker-2 3 / unknown 1',
    );
  });
  it('prints one row per pass', () => {
    const row: PassRow = {
      run: 1,
      hosts: 2,
      coresPerHost: 0.5,
      maxCallsPerHost: 3,
      capacity: 6,
      p95AtCapacityMs: 912.4,
      hostCpuPercent: { 'worker-1': 47.6, 'worker-2': 45.2 },
      hostThrottledPercent: { 'worker-1': 31, 'worker-2': 25 },
      mediaCpuPercent: 40.2,
      machineCpuPercent: 151,
      split: { 'worker-1': 3, 'worker-2': 3 },
      stoppedBy: 'admission cap (2 × 3)',
    };
    const table = formatTable([
      {
        ...row,
        hosts: 1,
        capacity: 0,
        p95AtCapacityMs: undefined,
        hostCpuPercent: {},
        hostThrottledPercent: {},
        mediaCpuPercent: undefined,
        machineCpuPercent: undefined,
        split: {},
      },
      row,
    ]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^\| run \| hosts \| CPU quota per host \|/);
    expect(table[2]).toBe(
      '| 1 | 1 | 0.5 core | 3 | 0 | - | - | - | - | - | - | admission cap (2 × 3) |',
    );
    expect(table[3]).toBe(
      '| 1 | 2 | 0.5 core | 3 | 6 | 912 | 48 + 45 | 31 + 25 | 40 | 151 | worker-1 3 / worker-2 3 | admission cap (2 × 3) |',
    );
  });
});

describe('the same calls per host on one host and on two', () => {
  const ramp = (
    calls: number,
    p95Ms: number,
    split: Record<string, number>,
    failures: string[] = [],
  ) => ({
    calls,
    passed: failures.length === 0 && p95Ms <= 1000,
    failures,
    p95Ms,
    split,
  });
  const one = [
    level(1, 896),
    level(2, 977),
    level(3, 984),
    level(4, undefined, ['turn 1: no audible answer']),
  ];

  it('pairs each evenly split two-host level with the one-host level of as many calls', () => {
    const two = [
      ramp(1, 865, { 'worker-1': 0, 'worker-2': 1 }),
      ramp(2, 846, { 'worker-1': 1, 'worker-2': 1 }),
      ramp(3, 935, { 'worker-1': 2, 'worker-2': 1 }),
      ramp(4, 884, { 'worker-1': 2, 'worker-2': 2 }),
      ramp(6, 1080, { 'worker-1': 3, 'worker-2': 3 }),
    ];
    expect(equalLoadLevels(one, two)).toEqual([
      { perHost: 1, oneHostP95Ms: 896, twoHostsP95Ms: 846 },
      { perHost: 2, oneHostP95Ms: 977, twoHostsP95Ms: 884 },
      { perHost: 3, oneHostP95Ms: 984, twoHostsP95Ms: 1080 },
    ]);
    expect(formatEqualLoad(1, equalLoadLevels(one, two))).toEqual([
      'run 1: 1 call per host: p95 896 ms on one host, 846 ms on two (2 calls): -6 %',
      'run 1: 2 calls per host: p95 977 ms on one host, 884 ms on two (4 calls): -10 %',
      'run 1: 3 calls per host: p95 984 ms on one host, 1080 ms on two (6 calls): +10 %',
    ]);
  });

  it('leaves out uneven splits, calls of unknown host, failed levels and levels one host failed', () => {
    const two = [
      ramp(2, 891, { 'worker-1': 2, 'worker-2': 0 }),
      ramp(2, 891, { 'worker-1': 1, 'worker-2': 0, unknown: 1 }),
      ramp(4, 900, { 'worker-1': 2, 'worker-2': 2 }, ['call 3 failed']),
      ramp(8, 990, { 'worker-1': 4, 'worker-2': 4 }),
    ];
    expect(equalLoadLevels(one, two)).toEqual([]);
    expect(formatEqualLoad(2, [])).toEqual([
      'run 2: no two-host level with an even split to compare',
    ]);
  });
});
