// What one call's job process spends loading the agents framework and the worker before it can
// take the call: each call gets a new Node process (the framework's process per job), which loads
// the framework's job-process entry and then the worker. Three ways: as the stack runs it (one
// esbuild bundle of our code and the framework, agent/scripts/bundle.ts), our code alone bundled
// with the packages loaded from node_modules (the stack until 2026-12-06), and the TypeScript
// source through tsx. Runs each way `--runs` times (default 5), alternating, each in a new process
// that times `process.cpuUsage()` (all threads) and the wall clock around importing the two
// modules, and prints the median, min and max, with the machine's calibration at the start and
// the end. Run with `npm run bench:job-start`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** Our code alone, bundled as the stack did before (packages external), inside the agent's package. */
const OURS_ONLY = join(ROOT, 'agent/dist/ours-only/main.js');
const FRAMEWORK_JOB_MAIN = join(
  dirname(createRequire(join(ROOT, 'agent/package.json')).resolve('@livekit/agents')),
  'ipc/job_proc_lazy_main.js',
);

const ways = {
  bundle: {
    execArgv: [],
    entries: [join(ROOT, 'agent/dist/job_proc_lazy_main.js'), join(ROOT, AGENT_BUNDLE)],
  },
  ours_only: { execArgv: [], entries: [FRAMEWORK_JOB_MAIN, OURS_ONLY] },
  tsx: {
    execArgv: ['--import', 'tsx'],
    entries: [FRAMEWORK_JOB_MAIN, join(ROOT, 'agent/src/main.ts')],
  },
} as const;
type Way = keyof typeof ways;
const WAYS = Object.keys(ways) as Way[];

function load(way: Way): Load {
  const { execArgv, entries } = ways[way];
  const out = execFileSync(process.execPath, [...execArgv, PROBE, ...entries], {
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
execFileSync(
  join(ROOT, 'node_modules/.bin/esbuild'),
  [
    'src/main.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--packages=external',
    '--alias:@ecommerce-voicebot/contracts=../contracts/src/index.ts',
    `--outfile=${OURS_ONLY}`,
    '--log-level=warning',
  ],
  { cwd: join(ROOT, 'agent') },
);
const loads: Record<Way, Load[]> = { bundle: [], ours_only: [], tsx: [] };
for (let run = 0; run < runs; run += 1) for (const way of WAYS) loads[way].push(load(way));
const calibration = calibrationReport(calibrationStart, calibrate());

const summary = Object.fromEntries(
  WAYS.map((way) => [
    way,
    {
      cpu_ms: spread(loads[way].map((l) => l.cpuMs)),
      wall_ms: spread(loads[way].map((l) => l.wallMs)),
    },
  ]),
) as Record<Way, { cpu_ms: ReturnType<typeof spread>; wall_ms: ReturnType<typeof spread> }>;
for (const way of WAYS) {
  const { cpu_ms: cpu, wall_ms: wall } = summary[way];
  process.stderr.write(
    `${way}: loading the worker in a job process took ${cpu.median} ms of CPU (${cpu.min}-${cpu.max}) and ${wall.median} ms (${wall.min}-${wall.max}), ${runs} runs\n`,
  );
}
process.stderr.write(`${formatCalibration(calibration)}\n`);
const ratioOf = (way: Way) =>
  Number((summary.bundle.cpu_ms.median / summary[way].cpu_ms.median).toFixed(3));
process.stderr.write(
  `the bundle costs ${(ratioOf('ours_only') * 100).toFixed(0)} % of the CPU of our code alone bundled, ${(ratioOf('tsx') * 100).toFixed(0)} % of tsx's (medians)\n`,
);
console.log(
  JSON.stringify({
    benchmark: 'job-start',
    runs,
    ...summary,
    bundle_cpu_of_ours_only: ratioOf('ours_only'),
    bundle_cpu_of_tsx: ratioOf('tsx'),
    calibration,
    at_reference_calibration: {
      ...Object.fromEntries(
        WAYS.map((way) => [
          `${way}_cpu_ms`,
          Math.round(durationAtReference(summary[way].cpu_ms.median, calibration)),
        ]),
      ),
    },
    machine: machine(),
  }),
);
