// Concurrent calls on this machine: one stack, SIP calls added in steps (1, 2, 4, 5, 6, 8, ...),
// each from its own number, each speaking turn after turn and timing the answers like the voice
// latency benchmark (end of speech in RTP → first audible answer; the Realtime emulator, in this
// process, answers at once). At each level, once every call is up, a window of --turns turns per
// call measures p95 added latency, the stack's CPU time (/proc, every process the services
// started, the agent's forked job processes included) and its memory. The ramp stops at the first level
// whose p95 passes --max-p95-ms or where a call fails (not answered, no greeting, no answer).
// Runs inside the test network namespace:
//   npm run bench:concurrency [-- --levels 1,2,4,5,6,8,10,15,20 --turns 3 --stagger-ms 1000]
//   (--turn-detection vad|server, --vad-min-silence-ms, --endpointing-min-delay-ms: who ends the
//   caller's turn and after how much silence, as in bench:voice; unset: the agent's defaults)
//   (--profile: V8 CPU profiles of the agent worker and its job processes, in
//   bench/.data/profiles/<time>/; the summary gets the top functions and packages by self time
//   over the job processes that ran a call, from their start to their end)
//   (--perf: `perf record` on every agent process during each level's window, in
//   bench/.data/perf/<time>/level-<n>.data; each level gets its top threads, shared objects and
//   native functions: where libwebrtc, Opus and the FFI runtime spend the agent's native CPU)
// Prints one JSON summary as its last line, with the CPU calibration (calibration.ts) measured
// before the stack starts and after it stops, and the stack's CPU per call scaled to the reference
// calibration (the CPU figure is the one a faster core shrinks; latencies are mostly fixed windows).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHarness, type Harness } from '@ecommerce-voicebot/e2e/harness';
import { loadUtterance } from '@ecommerce-voicebot/sip-caller';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
} from './calibration.js';
import { startCall, waitForTurns, type RunningCall } from './call-driver.js';
import { bundleIndex, ranACall, readProfiles, topEntries } from './cpu-profile.js';
import { machine } from './machine.js';
import { startPerfRecord, type PerfSummary } from './perf-profile.js';
import {
  descendants,
  machineCpu,
  sampleThreadsByName,
  sampleTrees,
  type ProcSample,
} from './proc-usage.js';
import { percentiles } from './stats.js';
import { turnFlags, turnSettings } from './turn-settings.js';

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: '1,2,4,5,6,8,10,15,20' },
    turns: { type: 'string', default: '3' },
    'stagger-ms': { type: 'string', default: '1000' },
    'max-p95-ms': { type: 'string', default: '1000' },
    'stop-p95-ms': { type: 'string', default: '2000' },
    'idle-processes': { type: 'string' },
    profile: { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
    ...turnFlags,
  },
});
const LEVELS = values.levels.split(',').map(Number);
const TURNS = Number(values.turns);
const STAGGER_MS = Number(values['stagger-ms']);
const MAX_P95_MS = Number(values['max-p95-ms']);
const TURN_SETTINGS = turnSettings(values);
// The ramp goes on past MAX_P95_MS, to show how latency degrades, until this or a failed call.
const STOP_P95_MS = Math.max(MAX_P95_MS, Number(values['stop-p95-ms']));
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LevelResult {
  calls: number;
  turns: number;
  passed: boolean;
  failures: string[];
  added_latency_ms: { p50: number; p95: number; max: number } | null;
  /** Stack CPU as % of one core, over the window. */
  stack_cpu_percent: number;
  /** Each service's tree (the agent's includes its job processes). */
  stack_cpu_percent_by_service: Record<string, number>;
  /** Whole machine CPU busy (of 200 % on 2 cores), over the window: test callers included. */
  machine_cpu_percent: number;
  /** This process (SIP callers + Realtime emulator): % of one core. */
  bench_process_cpu_percent: number;
  bench_event_loop_delay_p99_ms: number;
  stack_rss_mb: number;
  stack_pss_mb: number;
  stack_processes: number;
  /**
   * The agent's tree by thread: "node" is Node's own threads (JS, GC, libuv); "native" the threads
   * native libraries name (libwebrtc's audio coding and network, rtc-node's FFI runtime).
   */
  agent_threads_cpu_percent: { node: number; native: number; top_native: Record<string, number> };
  per_call: { stack_cpu_percent: number; rss_mb: number; pss_mb: number };
  /** --perf: the agent's processes sampled over the window. */
  agent_perf?: PerfSummary;
}

/** CPU % of one core per thread name between two samples, Node's threads apart from native ones. */
function threadCpuPercent(
  start: Map<string, number>,
  end: Map<string, number>,
  seconds: number,
): LevelResult['agent_threads_cpu_percent'] {
  const percent = (cpu: number) => Math.round((cpu / seconds) * 1000) / 10;
  let node = 0;
  const native: Array<[string, number]> = [];
  for (const [name, cpu] of end) {
    // A thread of a job process that started during the window counts from zero; one whose
    // process ended takes its time with it (never below zero).
    const used = Math.max(0, cpu - (start.get(name) ?? 0));
    if (name === 'node') node += used;
    else native.push([name, used]);
  }
  native.sort((a, b) => b[1] - a[1]);
  return {
    node: percent(node),
    native: percent(native.reduce((sum, [, cpu]) => sum + cpu, 0)),
    top_native: Object.fromEntries(native.slice(0, 6).map(([name, cpu]) => [name, percent(cpu)])),
  };
}

async function run(
  harness: Harness,
): Promise<{ levels: LevelResult[]; idle: ProcSample; idleCpuPercent: number }> {
  harness.emulator.setScenario({
    ...harness.baseScenario,
    audioPacing: 'realtime',
    responseDelayMs: 0,
    rules: [
      {
        match: { any: true },
        transcript: 'is my order on its way',
        say: 'Yes, it is out for delivery today.',
      },
    ],
  } as never);
  const speech = await loadUtterance(harness.speech('Hello, is my order on its way?'));
  const services = harness.stack.processes.filter((p) => p.child.pid !== undefined);
  const roots = services.map((p) => p.child.pid!);
  const byService = () =>
    Object.fromEntries(services.map((p) => [p.name, sampleTrees([p.child.pid!]).cpuSeconds]));
  const agentRoots = services.filter((p) => p.name === 'agent').map((p) => p.child.pid!);

  // The idle stack, the baseline for memory per call: after the warm job processes are up.
  await sleep(10_000);
  const idleStart = sampleTrees(roots);
  await sleep(10_000);
  const idle = sampleTrees(roots);
  const idleCpuPercent = ((idle.cpuSeconds - idleStart.cpuSeconds) / 10) * 100;
  log(
    `idle stack: CPU ${idleCpuPercent.toFixed(1)} %, RSS ${idle.rssMb.toFixed(0)} MB, PSS ${idle.pssMb.toFixed(0)} MB, ${idle.processes} processes`,
  );

  const caller = harness.caller();
  const calls: RunningCall[] = [];
  const levels: LevelResult[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    for (const level of LEVELS) {
      const added: RunningCall[] = [];
      while (calls.length < level) {
        const running = startCall(caller, calls.length, speech);
        calls.push(running);
        added.push(running);
        await sleep(STAGGER_MS);
      }
      await Promise.all(added.map((c) => c.ready));
      const windowStart = performance.timeOrigin + performance.now();
      const cpuStart = sampleTrees(roots).cpuSeconds;
      const servicesStart = byService();
      const threadsStart = sampleThreadsByName(agentRoots);
      const machineStart = machineCpu();
      const benchStart = process.cpuUsage();
      const perf =
        PERF_DIR === undefined
          ? undefined
          : await startPerfRecord(descendants(agentRoots), join(PERF_DIR, `level-${level}.data`));
      loopDelay.reset();
      await waitForTurns(calls, windowStart, TURNS);
      const seconds = (performance.timeOrigin + performance.now() - windowStart) / 1000;
      const sample = sampleTrees(roots);
      const servicesEnd = byService();
      const threads = threadCpuPercent(threadsStart, sampleThreadsByName(agentRoots), seconds);
      const machineEnd = machineCpu();
      const bench = process.cpuUsage(benchStart);
      const agentPerf = await perf?.stop();
      const latencies = calls.flatMap((c) =>
        c.turns.filter((t) => t.endOfSpeechAt >= windowStart).map((t) => t.latencyMs),
      );
      const failures = calls.flatMap((c) => (c.failure ? [c.failure] : []));
      const stats = latencies.length > 0 ? percentiles(latencies) : undefined;
      const stackCpu = ((sample.cpuSeconds - cpuStart) / seconds) * 100;
      const result: LevelResult = {
        calls: level,
        turns: latencies.length,
        passed: failures.length === 0 && stats !== undefined && stats.p95 <= MAX_P95_MS,
        failures,
        added_latency_ms: stats
          ? { p50: Math.round(stats.p50), p95: Math.round(stats.p95), max: Math.round(stats.max) }
          : null,
        stack_cpu_percent: Math.round(stackCpu),
        stack_cpu_percent_by_service: Object.fromEntries(
          Object.entries(servicesEnd).map(([name, cpu]) => [
            name,
            Math.round(((cpu - (servicesStart[name] ?? 0)) / seconds) * 100),
          ]),
        ),
        machine_cpu_percent: Math.round(
          ((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) *
            machine().cpus *
            100,
        ),
        bench_process_cpu_percent: Math.round(((bench.user + bench.system) / 1e6 / seconds) * 100),
        bench_event_loop_delay_p99_ms: Math.round(loopDelay.percentile(99) / 1e6),
        stack_rss_mb: Math.round(sample.rssMb),
        stack_pss_mb: Math.round(sample.pssMb),
        stack_processes: sample.processes,
        agent_threads_cpu_percent: threads,
        per_call: {
          // Gross: the idle stack's share included (it is small once the warm pool is up).
          stack_cpu_percent: Math.round((stackCpu / level) * 10) / 10,
          rss_mb: Math.round((sample.rssMb - idle.rssMb) / level),
          pss_mb: Math.round((sample.pssMb - idle.pssMb) / level),
        },
        ...(agentPerf === undefined ? {} : { agent_perf: agentPerf }),
      };
      levels.push(result);
      log(`level ${level}: ${JSON.stringify(result)}`);
      if (failures.length > 0 || !stats || stats.p95 > STOP_P95_MS) break;
    }
  } finally {
    loopDelay.disable();
    await Promise.all(calls.map((c) => c.stop()));
  }
  return { levels, idle, idleCpuPercent };
}

/** The job processes that ran a call: where their CPU went, whole life (warm-up included). */
function profileSummary(dir: string) {
  const calls = readProfiles(dir).filter(ranACall);
  const top = topEntries(calls, 15, bundleIndex());
  log(
    `profile: ${calls.length} job processes that ran a call, ${top.total_ms} ms sampled (${top.idle_ms} idle), in ${dir}`,
  );
  for (const entry of top.sources) log(`  ${entry.percent}% ${entry.self_ms} ms ${entry.name}`);
  for (const entry of top.functions) log(`  ${entry.percent}% ${entry.self_ms} ms ${entry.name}`);
  return { dir, job_processes: calls.length, ...top };
}

/** A fresh folder for this run's files of one kind: bench/.data/<kind>/<time>/. */
function runDataDir(kind: string): string {
  const dir = join(
    fileURLToPath(new URL(`./.data/${kind}/`, import.meta.url)),
    new Date().toISOString(),
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}
const PROFILE_DIR = values.profile ? runDataDir('profiles') : undefined;
const PERF_DIR = values.perf ? runDataDir('perf') : undefined;

const calibrationStart = calibrate();
const harness = await startHarness({
  ...(PROFILE_DIR === undefined ? {} : { agentCpuProfileDir: PROFILE_DIR }),
  name: 'bench-concurrency',
  env: {
    ...TURN_SETTINGS.env,
    ...(values['idle-processes'] ? { AGENT_NUM_IDLE_PROCESSES: values['idle-processes'] } : {}),
  },
  // Every audio chunk of every call is recorded; nothing here reads old events.
  maxRecordedEvents: 20_000,
});
let outcome: Awaited<ReturnType<typeof run>>;
try {
  outcome = await run(harness);
} finally {
  await harness.close();
}
const calibration = calibrationReport(calibrationStart, calibrate());
log(formatCalibration(calibration));
const profile = PROFILE_DIR === undefined ? undefined : profileSummary(PROFILE_DIR);
const firstFailing = outcome.levels.findIndex((l) => !l.passed);
const best = outcome.levels.slice(0, firstFailing === -1 ? undefined : firstFailing).at(-1);
const failing = outcome.levels[firstFailing];
const last = outcome.levels.at(-1);
console.log(
  JSON.stringify({
    benchmark: 'concurrency',
    model: 'realtime-emulator (answers at once; not OpenAI)',
    machine: machine(),
    calibration,
    ...TURN_SETTINGS.report,
    criterion: `p95 added latency <= ${MAX_P95_MS} ms and no failed call`,
    max_concurrent_calls: best?.calls ?? 0,
    tested_up_to: outcome.levels.at(-1)?.calls ?? 0,
    limited_by: failing
      ? failing.failures.length > 0
        ? `failed call at ${failing.calls}: ${failing.failures[0]}`
        : `p95 ${failing.added_latency_ms?.p95} ms at ${failing.calls} calls`
      : 'nothing: the last level passed',
    ramp_stopped_by: last?.failures.length
      ? `failed call at ${last.calls}: ${last.failures[0]}`
      : (last?.added_latency_ms?.p95 ?? 0) > STOP_P95_MS
        ? `p95 ${last?.added_latency_ms?.p95} ms > ${STOP_P95_MS} ms at ${last?.calls} calls`
        : 'the last level',
    at_max: best
      ? {
          added_latency_ms: best.added_latency_ms,
          stack_cpu_percent: best.stack_cpu_percent,
          machine_cpu_percent: best.machine_cpu_percent,
          per_call: best.per_call,
          // CPU seconds scale like a duration: on the reference machine, this much of its core.
          per_call_stack_cpu_percent_at_reference_calibration: Number(
            durationAtReference(best.per_call.stack_cpu_percent, calibration).toFixed(1),
          ),
        }
      : null,
    idle_stack: {
      cpu_percent: Math.round(outcome.idleCpuPercent),
      rss_mb: Math.round(outcome.idle.rssMb),
      pss_mb: Math.round(outcome.idle.pssMb),
      processes: outcome.idle.processes,
    },
    levels: outcome.levels,
    target_20_calls_met: (best?.calls ?? 0) >= 20,
    ...(profile === undefined ? {} : { profile }),
  }),
);
