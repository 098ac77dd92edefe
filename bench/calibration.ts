// A fixed single-core CPU workload, timed in the benchmark's own process at the start and the end
// of each run, so that figures from different machines (or a machine busy with other work) can be
// compared: a result is quoted beside the calibration measured in the same run, and scaled to a
// reference calibration ("at reference speed").
//
// One op is what our services spend their CPU on, in small: a JSON.stringify and JSON.parse of an
// order-like record (the MCP server's JSON-RPC, the token API's bodies and JWT claims), a SHA-256
// of the text (JWT signing is HMAC-SHA256) and a split of a CSV line (the MCP store load). Each
// op's input carries the previous op's digest, so the work cannot be skipped and the final digest
// is the same on every machine (the unit test checks it).
//
// Each round is timed twice: by the wall clock (what the benchmark got: the core's speed and its
// share of it, the figure results are normalised with) and by this process's CPU time (the core's
// speed alone, as far as the kernel sees it; a VM's host steal counts as ours). Their ratio shows
// other work sharing the core; a run is "quiet" only if that, the spread and the drift are small.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/**
 * The build machine's calibration, rounded: 2 cores, "AMD EPYC", Node 20.20.2, on 2026-12-05 at a
 * load average under 1, the median of 12 calibrations was 138,336 ops/s (most 136,000-143,000).
 * Normalised figures are what a result would be on a machine this fast.
 */
export const REFERENCE_OPS_PER_S = 140_000;

/** Ops per timed round: about 75 ms on the build machine, so 1 + 5 rounds take about 0.45 s. */
export const OPS_PER_ROUND = 10_000;
export const ROUNDS = 5;

const CSV_LINE =
  'O1000042,C0012345,2026-11-30T14:05:00Z,shipped,UPS,1Z999AA10123456784,"12 Main St, Springfield",US,129.90,EUR';

function record(i: number, previous: string) {
  return {
    order_id: `O${1_000_000 + (i % 1000)}`,
    status: 'shipped',
    placed_at: '2026-11-30T14:05:00Z',
    customer: { id: 'C0012345', name: 'Bench Tester', phone: '+12025550100', country: 'US' },
    items: Array.from({ length: 4 }, (_, n) => ({
      sku: `SKU-${n}-${i % 97}`,
      name: 'Wireless headphones, over-ear',
      quantity: 1 + n,
      unit_price: 19.99 + n,
    })),
    delivery: { carrier: 'UPS', tracking_number: '1Z999AA10123456784', eta: '2026-12-02' },
    previous,
  };
}

/** One op; returns the digest the next op carries. */
function op(i: number, previous: string): string {
  const text = JSON.stringify(record(i, previous));
  const parsed = JSON.parse(text) as { previous: string };
  const fields = CSV_LINE.split(',');
  return createHash('sha256')
    .update(text)
    .update(parsed.previous)
    .update(fields[i % fields.length]!)
    .digest('hex');
}

/** Runs `ops` ops from a fixed seed; the digest depends on `ops` only. */
export function workload(ops: number): string {
  let digest = 'calibration';
  for (let i = 0; i < ops; i++) digest = op(i, digest);
  return digest;
}

export interface Calibration {
  /** Median over the rounds, by the wall clock. */
  ops_per_s: number;
  min_ops_per_s: number;
  max_ops_per_s: number;
  /** (max − min) / median: how steady the machine was while it was measured. */
  spread_percent: number;
  /** Median over the rounds, by this process's CPU time (user + system). */
  ops_per_cpu_s: number;
  /** ops_per_s / ops_per_cpu_s: below 1, other work took part of the core while we measured. */
  cpu_share: number;
  rounds: number;
  ops_per_round: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Times `rounds` rounds of `opsPerRound` ops after one untimed warm-up round (the JIT), in this
 * process, on one core. Bounded: a fixed amount of work, a few hundred ms on the build machine.
 */
export function calibrate(
  options: {
    rounds?: number;
    opsPerRound?: number;
    now?: () => number;
    cpuNow?: () => number;
  } = {},
): Calibration {
  const rounds = options.rounds ?? ROUNDS;
  const opsPerRound = options.opsPerRound ?? OPS_PER_ROUND;
  const now = options.now ?? (() => performance.now());
  const cpuNow = options.cpuNow ?? cpuMsNow;
  if (!(rounds >= 1 && opsPerRound >= 1)) throw new Error('rounds and opsPerRound must be ≥ 1');
  const expected = workload(opsPerRound);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = now();
    const cpuStarted = cpuNow();
    const digest = workload(opsPerRound);
    const ms = now() - started;
    const cpuMs = cpuNow() - cpuStarted;
    // Using the digest keeps the work observable; a mismatch would mean a broken runtime.
    if (digest !== expected) throw new Error('calibration workload is not deterministic');
    rates.push(opsPerRound / (Math.max(ms, 1e-3) / 1000));
    cpuRates.push(opsPerRound / (Math.max(cpuMs, 1e-3) / 1000));
  }
  const wall = median(rates);
  const cpu = median(cpuRates);
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  return {
    ops_per_s: Math.round(wall),
    min_ops_per_s: Math.round(min),
    max_ops_per_s: Math.round(max),
    spread_percent: Number((((max - min) / wall) * 100).toFixed(1)),
    ops_per_cpu_s: Math.round(cpu),
    cpu_share: Number(Math.min(1, wall / cpu).toFixed(2)),
    rounds,
    ops_per_round: opsPerRound,
  };
}

export interface CalibrationReport {
  start: Calibration;
  end: Calibration;
  /** Mean of the start and end medians: the figure results are normalised with. */
  ops_per_s: number;
  /** (end − start) / start: a machine slowed (or freed) during the run shows here. */
  drift_percent: number;
  reference_ops_per_s: number;
  /** ops_per_s / reference: below 1, a slower (or busier) machine than the reference. */
  speed: number;
  /**
   * Spread ≤ 10 % at both ends, drift within ±10 %, CPU share ≥ 0.9: the machine was steady, and
   * the normalised figures mean something. Otherwise other work interfered: run again.
   */
  quiet: boolean;
}

export const QUIET = { spreadPercent: 10, driftPercent: 10, cpuShare: 0.9 };

export function calibrationReport(
  start: Calibration,
  end: Calibration,
  reference = REFERENCE_OPS_PER_S,
): CalibrationReport {
  const opsPerS = (start.ops_per_s + end.ops_per_s) / 2;
  const drift = ((end.ops_per_s - start.ops_per_s) / start.ops_per_s) * 100;
  return {
    start,
    end,
    ops_per_s: Math.round(opsPerS),
    drift_percent: Number(drift.toFixed(1)),
    reference_ops_per_s: reference,
    speed: Number((opsPerS / reference).toFixed(3)),
    quiet:
      Math.abs(drift) <= QUIET.driftPercent &&
      [start, end].every(
        (c) => c.spread_percent <= QUIET.spreadPercent && c.cpu_share >= QUIET.cpuShare,
      ),
  };
}

/** A rate (sessions/s, ...) as it would be on the reference machine. */
export function rateAtReference(rate: number, report: CalibrationReport): number {
  return rate * (report.reference_ops_per_s / report.ops_per_s);
}

/** A duration (load time, latency, CPU per call, ...) as it would be on the reference machine. */
export function durationAtReference(duration: number, report: CalibrationReport): number {
  return duration * (report.ops_per_s / report.reference_ops_per_s);
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The plain-text line every benchmark prints. */
export function formatCalibration(report: CalibrationReport): string {
  const { start, end } = report;
  const at = (c: Calibration) =>
    `${int(c.ops_per_s)} (spread ${c.spread_percent} %, CPU share ${c.cpu_share.toFixed(2)})`;
  return (
    `calibration: ${int(report.ops_per_s)} ops/s (start ${at(start)}, end ${at(end)}, drift ${report.drift_percent} %); ` +
    `reference ${int(report.reference_ops_per_s)} ops/s, speed ${report.speed.toFixed(2)}× the reference; ` +
    (report.quiet ? 'quiet' : 'NOT quiet: other work interfered, normalised figures are rough')
  );
}

// Alone (`npm run bench:calibrate -w bench`): is this machine quiet and how fast, before a run.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = calibrationReport(calibrate(), calibrate());
  process.stderr.write(`${formatCalibration(report)}\n`);
  console.log(JSON.stringify({ benchmark: 'calibration', calibration: report }));
}
