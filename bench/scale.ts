// The pure parts of the scaling benchmark (scale.bench.ts): where a ramp stops, the capacity it
// found, the ratio of two hosts to one, the spread over repeated runs, and the printed table.

/** What a ramp level needs for the capacity search. */
export interface RampLevel {
  calls: number;
  passed: boolean;
  failures: readonly string[];
  p95Ms: number | undefined;
}

/**
 * Capacity, as bench:concurrency defines it: the most calls of a level that passed (p95 ≤ the
 * limit, no failed call) with every level before it passed too; 0 when the first level failed.
 */
export function capacityOf(levels: readonly RampLevel[]): number {
  const firstFailing = levels.findIndex((level) => !level.passed);
  const passing = firstFailing === -1 ? levels : levels.slice(0, firstFailing);
  return passing.at(-1)?.calls ?? 0;
}

/** The level the capacity was measured at (undefined when none passed). */
export function levelAtCapacity<T extends RampLevel>(levels: readonly T[]): T | undefined {
  const capacity = capacityOf(levels);
  return capacity === 0 ? undefined : levels.find((level) => level.calls === capacity);
}

/**
 * Whether the ramp goes on after `level`: not after a failed call or no timed turn, nor past
 * `stopP95Ms`, nor at the ramp's last level (`maxCalls`: the admission cap, or the flag).
 */
export function rampGoesOn(level: RampLevel, stopP95Ms: number, maxCalls: number): boolean {
  if (level.failures.length > 0 || level.p95Ms === undefined) return false;
  if (level.p95Ms > stopP95Ms) return false;
  return level.calls < maxCalls;
}

/** Two hosts' capacity over one's; undefined when one host carried nothing. */
export function scaleRatio(one: number, two: number): number | undefined {
  return one > 0 ? two / one : undefined;
}

/**
 * AGENT_MAX_CALLS per host in the two-host pass: `auto` is the capacity one host just showed
 * (what an operator sets, so no host takes more than it carries), a number is taken as given, and
 * `off` (or a one-host capacity of 0) is high enough that admission never refuses (`uncapped`).
 */
export function twoHostMaxCalls(
  setting: string,
  oneHostCapacity: number,
  uncapped: number,
): number {
  if (setting === 'off') return uncapped;
  if (setting === 'auto') return oneHostCapacity > 0 ? oneHostCapacity : uncapped;
  const n = Number(setting);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `--max-calls-per-host must be auto, off or a positive integer (got ${setting})`,
    );
  return n;
}

/** `--host-cpu`: cores per worker host, within what the machine has. */
export function parseHostCpu(text: string, cpus: number): number {
  const cores = Number(text);
  if (!Number.isFinite(cores) || cores < 0.05 || cores > cpus)
    throw new Error(`--host-cpu must be between 0.05 and ${cpus} cores (got ${text})`);
  return cores;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median (the lower middle of an even count) and max of some runs. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    median: sorted[Math.floor((sorted.length - 1) / 2)]!,
    max: sorted.at(-1)!,
  };
}

/** "3" for one run, "3 (2-4, median 3)" for several. */
export function formatSpread(values: readonly number[], digits = 0): string {
  const spread = spreadOf(values);
  if (spread === undefined) return '-';
  const f = (n: number) => n.toFixed(digits);
  if (values.length === 1) return f(values[0]!);
  return `${f(spread.median)} (${f(spread.min)}-${f(spread.max)} over ${values.length} runs)`;
}

/** How many calls each host carried: "worker-1 3 / worker-2 2" (unknown ones last). */
export function formatSplit(split: Readonly<Record<string, number>>): string {
  const entries = Object.entries(split).filter(([, n]) => n > 0);
  if (entries.length === 0) return '-';
  return entries
    .sort(([a], [b]) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b)))
    .map(([host, n]) => `${host} ${n}`)
    .join(' / ');
}

/** Counts the calls on each host; a call whose host is not known counts as "unknown". */
export function splitOf(
  hostsOfCalls: readonly (string | undefined)[],
  hosts: readonly string[],
): Record<string, number> {
  const split: Record<string, number> = Object.fromEntries(hosts.map((host) => [host, 0]));
  for (const host of hostsOfCalls) {
    const key = host ?? 'unknown';
    split[key] = (split[key] ?? 0) + 1;
  }
  return split;
}

/** One row of the printed table: a pass (one or two hosts) of one run. */
export interface PassRow {
  run: number;
  hosts: number;
  coresPerHost: number;
  /** AGENT_MAX_CALLS per host (admission). */
  maxCallsPerHost: number;
  capacity: number;
  p95AtCapacityMs: number | undefined;
  /** Each worker host's CPU over the window at capacity, % of one core. */
  hostCpuPercent: Readonly<Record<string, number>>;
  /** Share of CFS periods in which the quota stopped the host, at capacity. */
  hostThrottledPercent: Readonly<Record<string, number>>;
  /** Media host (the stack's services and this process) CPU at capacity, % of one core. */
  mediaCpuPercent: number | undefined;
  /** The whole machine at capacity, of cpus × 100 % (other work on it included). */
  machineCpuPercent: number | undefined;
  split: Readonly<Record<string, number>>;
  /** What ended the ramp. */
  stoppedBy: string;
}

const cell = (values: Readonly<Record<string, number>>) =>
  Object.keys(values).length === 0
    ? '-'
    : Object.values(values)
        .map((n) => n.toFixed(0))
        .join(' + ');

/** A Markdown table of the passes, then one line per run with the ratio. */
export function formatTable(rows: readonly PassRow[]): string {
  const header = [
    'run',
    'hosts',
    'CPU quota per host',
    'AGENT_MAX_CALLS per host',
    'capacity (calls)',
    'p95 at capacity (ms)',
    'worker host CPU (% of a core)',
    'throttled periods (%)',
    'media host CPU (%)',
    'machine CPU (%)',
    'calls per host',
    'ramp stopped by',
  ];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    lines.push(
      `| ${[
        String(row.run),
        String(row.hosts),
        `${row.coresPerHost} core`,
        String(row.maxCallsPerHost),
        String(row.capacity),
        row.p95AtCapacityMs === undefined ? '-' : row.p95AtCapacityMs.toFixed(0),
        cell(row.hostCpuPercent),
        cell(row.hostThrottledPercent),
        row.mediaCpuPercent === undefined ? '-' : row.mediaCpuPercent.toFixed(0),
        row.machineCpuPercent === undefined ? '-' : row.machineCpuPercent.toFixed(0),
        formatSplit(row.split),
        row.stoppedBy,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** "two hosts / one host: 6 / 3 = 2.00× (target ≥ 1.8×: met)", per run and over all runs. */
export function formatRatios(
  runs: readonly { one: number; two: number }[],
  target: number,
): string[] {
  const ratios: number[] = [];
  const lines = runs.map(({ one, two }, index) => {
    const ratio = scaleRatio(one, two);
    if (ratio !== undefined) ratios.push(ratio);
    const verdict = ratio === undefined ? 'n/a' : ratio >= target ? 'met' : 'NOT met';
    return `run ${index + 1}: two hosts / one host = ${two} / ${one} = ${ratio === undefined ? '-' : `${ratio.toFixed(2)}×`} (target ≥ ${target}×: ${verdict})`;
  });
  if (runs.length > 1)
    lines.push(
      `over ${runs.length} runs: one host ${formatSpread(runs.map((r) => r.one))}, two hosts ${formatSpread(runs.map((r) => r.two))}, ratio ${formatSpread(ratios, 2)}`,
    );
  return lines;
}

/** A ramp level with its latency and the calls each host carried. */
export interface SplitLevel extends RampLevel {
  split: Readonly<Record<string, number>>;
}

/** The same calls per host on one host and on two: p95 of each. */
export interface EqualLoad {
  perHost: number;
  oneHostP95Ms: number;
  twoHostsP95Ms: number;
}

/**
 * The levels where every host of the two-host pass carried as many calls as the one host did at
 * one of its levels (an even split, no failed call): if the second host carries its share, p95
 * stays where it was. Unlike the capacity ratio, this does not move in whole calls at the 1 s line.
 */
export function equalLoadLevels(
  one: readonly RampLevel[],
  two: readonly SplitLevel[],
  hostCount = 2,
): EqualLoad[] {
  return two.flatMap((level) => {
    const counts = Object.entries(level.split).filter(([host]) => host !== 'unknown');
    const perHost = counts[0]?.[1];
    const even =
      counts.length === hostCount &&
      perHost !== undefined &&
      perHost > 0 &&
      counts.every(([, n]) => n === perHost) &&
      (level.split['unknown'] ?? 0) === 0;
    if (!even || level.failures.length > 0 || level.p95Ms === undefined) return [];
    const single = one.find((l) => l.calls === perHost);
    if (!single || single.failures.length > 0 || single.p95Ms === undefined) return [];
    return [{ perHost, oneHostP95Ms: single.p95Ms, twoHostsP95Ms: level.p95Ms }];
  });
}

/** "run 1: 2 calls per host: p95 977 ms on one host, 884 ms on two (4 calls): -10 %". */
export function formatEqualLoad(run: number, rows: readonly EqualLoad[]): string[] {
  if (rows.length === 0) return [`run ${run}: no two-host level with an even split to compare`];
  return rows.map(({ perHost, oneHostP95Ms, twoHostsP95Ms }) => {
    const change = Math.round(((twoHostsP95Ms - oneHostP95Ms) / oneHostP95Ms) * 100);
    const calls = (n: number) => `${n} call${n === 1 ? '' : 's'}`;
    return `run ${run}: ${calls(perHost)} per host: p95 ${oneHostP95Ms} ms on one host, ${twoHostsP95Ms} ms on two (${calls(perHost * 2)}): ${change >= 0 ? '+' : ''}${change} %`;
  });
}
