// What one call's job process spends loading the agent worker before it can take the call: each
// call gets a new Node process (the framework's process per job), and the stack runs the worker
// as a bundle of our code (stack/src/services.ts, bundleAgent) rather than its TypeScript source
// through tsx. Runs each way `--runs` times (default 5), alternating, each in a new process that
// times `process.cpuUsage()` (all threads) and the wall clock around `await import(entry)`, and
// prints the median, min and max, with the machine's calibration at the start and the end.
// Run with `npm run bench:job-start`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AGENT_BUNDLE, AGENT_LOAD_ONLY_ENV, bundleAgent } from '@ecommerce-voicebot/stack';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
} from './calibration.js';
import { machine } from './machine.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROBE = fileURLToPath(new URL('./job-start/load-probe.mjs', import.meta.url));

interface Load {
  cpuMs: number;
  wallMs: number;
}

const ways = {
  tsx: { execArgv: ['--import', 'tsx'], entry: join(ROOT, 'agent/src/main.ts') },
  bundle: { execArgv: [], entry: join(ROOT, AGENT_BUNDLE) },
} as const;

function load(way: keyof typeof ways): Load {
  const { execArgv, entry } = ways[way];
  const out = execFileSync(process.execPath, [...execArgv, PROBE, entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...AGENT_LOAD_ONLY_ENV },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Load;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const calibrationStart = calibrate();
bundleAgent(ROOT);
const loads: Record<keyof typeof ways, Load[]> = { tsx: [], bundle: [] };
for (let run = 0; run < runs; run += 1)
  for (const way of ['tsx', 'bundle'] as const) loads[way].push(load(way));
const calibration = calibrationReport(calibrationStart, calibrate());

const summary = Object.fromEntries(
  (['tsx', 'bundle'] as const).map((way) => [
    way,
    {
      cpu_ms: spread(loads[way].map((l) => l.cpuMs)),
      wall_ms: spread(loads[way].map((l) => l.wallMs)),
    },
  ]),
) as Record<
  keyof typeof ways,
  { cpu_ms: ReturnType<typeof spread>; wall_ms: ReturnType<typeof spread> }
>;
for (const way of ['tsx', 'bundle'] as const) {
  const { cpu_ms: cpu, wall_ms: wall } = summary[way];
  process.stderr.write(
    `${way}: loading the worker in a job process took ${cpu.median} ms of CPU (${cpu.min}-${cpu.max}) and ${wall.median} ms (${wall.min}-${wall.max}), ${runs} runs\n`,
  );
}
process.stderr.write(`${formatCalibration(calibration)}\n`);
const ratio = summary.bundle.cpu_ms.median / summary.tsx.cpu_ms.median;
process.stderr.write(`the bundle costs ${(ratio * 100).toFixed(0)} % of tsx's CPU (medians)\n`);
console.log(
  JSON.stringify({
    benchmark: 'job-start',
    runs,
    ...summary,
    bundle_cpu_of_tsx: Number(ratio.toFixed(3)),
    calibration,
    at_reference_calibration: {
      tsx_cpu_ms: Math.round(durationAtReference(summary.tsx.cpu_ms.median, calibration)),
      bundle_cpu_ms: Math.round(durationAtReference(summary.bundle.cpu_ms.median, calibration)),
    },
    machine: machine(),
  }),
);
