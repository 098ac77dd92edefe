// Scaling past one box: the capacity (most concurrent calls with turn latency p95 ≤ 1 s, as
// bench:concurrency defines it) with one worker host, then with two, each host a test host (a
// network namespace of its own, tools/testkit) capped at the same CPU quota by a cgroup v1 group,
// so that namespaces on this machine act as small hosts. The group's cpu.shares (--host-cpu-shares)
// weighs it above the machine's other work, so a host of half a core gets its half core on a
// machine others keep busy; --host-cpu-period-ms sets the CFS period (a host at 0.3 core on the
// default 100 ms runs 30 ms and may then stand still for 70 ms). The media host is this benchmark's own
// namespace (`startHarness({ role: 'media' })`: Redis, livekit-server, livekit-sip, the
// switchboard, the token API); each worker host runs the documented `npm start -- --role worker
// --offline` (its agent worker with its job processes, its own MCP server) with every process in
// its group. The model's stand-in, the Realtime emulator, runs in this process on STACK_IP and the
// worker hosts share it through OPENAI_BASE_URL: OpenAI is not on a worker host, so its stand-in
// must not take the host's CPU.
//
// Each pass adds one call at a time (callers and turns as bench:concurrency: call-driver.ts) and,
// once the new call has been greeted and every host's warm job pool is full again, times --turns
// turns per call; it stops at the first level that fails (p95 > --stop-p95-ms, a failed call) or
// at its cap. AGENT_MAX_CALLS is 100 on the one host (admission never refuses: the ramp finds what
// the host carries); on the two hosts it is --max-calls-per-host: `auto` sets it to the capacity
// the one host just showed, what an operator would configure, so livekit-server's load-weighted
// random choice cannot pile calls on one host, and the ramp stops at twice that (a further caller
// would be queued by the switchboard, not served); `off` leaves it at 100 (the spread over the
// hosts is then livekit-server's choice alone). Each call's host is read from the call record in
// that host's CALLS_DIR, keyed by the SIP participant's `sip.callID`, and the split is printed.
//
//   npm run bench:scale [-- --host-cpu 0.8 --runs 1 --turns 3 --max-calls-per-host auto]
//
// Prints a table (per pass: capacity, p95 at capacity, each host's CPU from cpuacct, the media
// host's CPU, the split), the ratio two / one per run and over runs, p95 at the same calls per host
// on one host and on two, the CPU calibration, then one JSON summary as the last line of stdout.
// Each level's line also has each host's p95 and this process's event loop delay. Kills its hosts
// and removes their groups on exit, on a failure and on SIGINT/SIGTERM (host-pool.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { callRoom, ROOT, startHarness, type Harness } from '@ecommerce-voicebot/e2e/harness';
import { loadUtterance, type SipCaller } from '@ecommerce-voicebot/sip-caller';
import { cfsQuotaUs, startWorkerHost, type WorkerHost } from '@ecommerce-voicebot/testkit';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
} from './calibration.js';
import { startCall, turnsSince, waitForTurns, type RunningCall } from './call-driver.js';
import { machine } from './machine.js';
import { machineCpu, sampleTrees } from './proc-usage.js';
import {
  capacityOf,
  equalLoadLevels,
  formatEqualLoad,
  formatRatios,
  formatTable,
  levelAtCapacity,
  parseHostCpu,
  rampGoesOn,
  scaleRatio,
  spreadOf,
  splitOf,
  twoHostMaxCalls,
  type EqualLoad,
  type PassRow,
  type RampLevel,
} from './scale.js';
import { createHostPool } from './host-pool.js';
import { percentiles } from './stats.js';
import { turnFlags, turnSettings } from './turn-settings.js';

const { values } = parseArgs({
  options: {
    'host-cpu': { type: 'string', default: '0.8' },
    runs: { type: 'string', default: '1' },
    turns: { type: 'string', default: '3' },
    'max-p95-ms': { type: 'string', default: '1000' },
    'stop-p95-ms': { type: 'string', default: '1000' },
    'max-calls': { type: 'string', default: '16' },
    'max-calls-per-host': { type: 'string', default: 'auto' },
    'idle-processes': { type: 'string', default: '1' },
    'target-ratio': { type: 'string', default: '1.8' },
    'host-cpu-shares': { type: 'string', default: '4096' },
    'host-cpu-period-ms': { type: 'string', default: '100' },
    'warm-timeout-ms': { type: 'string', default: '30000' },
    'agent-wait-seconds': { type: 'string', default: '10' },
    ...turnFlags,
  },
});
const HOST_CPU = parseHostCpu(values['host-cpu'], machine().cpus);
const RUNS = Number(values.runs);
const TURNS = Number(values.turns);
const MAX_P95_MS = Number(values['max-p95-ms']);
const STOP_P95_MS = Math.max(MAX_P95_MS, Number(values['stop-p95-ms']));
const MAX_CALLS = Number(values['max-calls']);
const IDLE_PROCESSES = Number(values['idle-processes']);
const TARGET_RATIO = Number(values['target-ratio']);
const HOST_CPU_SHARES = Number(values['host-cpu-shares']);
/** The hosts' CFS period: 100 ms is the kernel's and Kubernetes' default. */
const HOST_CPU_PERIOD_US = Math.round(Number(values['host-cpu-period-ms']) * 1000);
const WARM_TIMEOUT_MS = Number(values['warm-timeout-ms']);
const TURN_SETTINGS = turnSettings(values);
/** AGENT_MAX_CALLS high enough that admission never refuses a call of the ramp. */
const UNCAPPED = 100;
twoHostMaxCalls(values['max-calls-per-host'], 1, UNCAPPED); // fails early on a bad flag
const WARM_LINE = '"msg":"job process warm"';
/** The agents framework gave up on warming a job process (its 10 s initializeProcessTimeout). */
const WARM_TIMEOUT_LINE = 'runner initialization timed out';

const isWarmTimeout = (line: string) => line.includes(WARM_TIMEOUT_LINE);
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = () => performance.timeOrigin + performance.now();
const artifacts = join(ROOT, 'test-artifacts/e2e');

interface Level extends RampLevel {
  turns: number;
  p50Ms: number | undefined;
  window_s: number;
  /** Each host's CPU over the window (cpuacct), % of one core, and its throttled periods (%). */
  host_cpu_percent: Record<string, number>;
  host_throttled_percent: Record<string, number>;
  /** The media host's services (livekit-server, livekit-sip, switchboard, Redis, token API). */
  media_stack_cpu_percent: number;
  /** This process: the SIP callers and the shared Realtime emulator. */
  bench_process_cpu_percent: number;
  /**
   * This process's event loop delay over the window (p99 and max, ms): the callers time a turn
   * when its packets are handled here, so a late loop adds to every latency measured.
   */
  bench_loop_delay_ms: { p99: number; max: number };
  /** p95 of the turns of each host's calls: which host the tail came from. */
  p95_by_host_ms: Record<string, number | undefined>;
  /** The whole machine, of cpus × 100 %: other work on it included. */
  machine_cpu_percent: number;
  split: Record<string, number>;
  /**
   * Job processes each host's framework killed for not warming within 10 s, from the new call to
   * the end of the window: then it starts another, and a host short of CPU keeps doing so.
   */
  warm_up_timeouts: Record<string, number>;
}

interface Pass {
  hosts: number;
  cores_per_host: number;
  max_calls_per_host: number;
  capacity: number;
  at_capacity: Level | null;
  stopped_by: string;
  levels: Level[];
}

let harness: Harness | undefined;
/** Every worker host from its launch on: none outlives the benchmark, Ctrl-C included. */
const hostPool = createHostPool<WorkerHost>((host, error) =>
  log(`removing ${host.name}: ${error.message}`),
);
let callIndex = 0;
/** Each host gets a number of its own (10.77.n.2): a removed host's link may linger a moment. */
let nextHostNumber = 1;

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await harness?.closeCallers().catch(() => undefined);
    await hostPool.stop();
    await harness?.close().catch(() => undefined);
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: killing the worker hosts, removing their CPU groups, stopping the media host`);
    void cleanup().finally(() => process.exit(130));
  });

/** The host whose CALLS_DIR has the record of the call from `from` (its `sip.callID`). */
async function hostOfCall(
  h: Harness,
  from: string,
  hosts: readonly WorkerHost[],
): Promise<string | undefined> {
  const deadline = Date.now() + 15_000;
  let callId: string | undefined;
  while (Date.now() < deadline) {
    if (callId === undefined) {
      const room = await callRoom(h.rooms, from).catch(() => undefined);
      const participants = room ? await h.rooms.listParticipants(room).catch(() => []) : [];
      callId = participants.find((p) => p.attributes['sip.phoneNumber'] === from)?.attributes[
        'sip.callID'
      ];
    }
    if (callId !== undefined) {
      const host = hosts.find((worker) => worker.hasCall(callId!));
      if (host) return host.name;
    }
    await sleep(250);
  }
  return undefined;
}

/** Waits until each host's warm job pool is full again (one warm process per call it took). */
async function warmPoolsFull(hosts: readonly WorkerHost[], split: Record<string, number>) {
  await Promise.all(
    hosts.map(async (host) => {
      const want = IDLE_PROCESSES + (split[host.name] ?? 0);
      const full = await host.waitForLines(
        (line) => line.includes(WARM_LINE),
        want,
        WARM_TIMEOUT_MS,
      );
      if (!full)
        log(`  ${host.name}: warm pool not full after ${WARM_TIMEOUT_MS} ms; timing anyway`);
    }),
  );
}

async function runPass(
  h: Harness,
  caller: SipCaller,
  speech: Int16Array,
  run: number,
  hostCount: number,
  maxCallsPerHost: number,
): Promise<Pass> {
  const livekitPort = new URL(h.livekit.url).port;
  log(
    `\n== run ${run}: ${hostCount} worker host(s) at ${HOST_CPU} core each, AGENT_MAX_CALLS ${maxCallsPerHost}`,
  );
  const startedAt = Date.now();
  const started = await Promise.allSettled(
    Array.from({ length: hostCount }, (_, i) =>
      hostPool.launch((keep) =>
        startWorkerHost({
          name: `worker-${i + 1}`,
          n: nextHostNumber++,
          root: ROOT,
          livekit: {
            url: `ws://${h.ip}:${livekitPort}`,
            apiKey: h.livekit.apiKey,
            apiSecret: h.livekit.apiSecret,
          },
          cpuCores: HOST_CPU,
          cpuShares: HOST_CPU_SHARES,
          cpuPeriodUs: HOST_CPU_PERIOD_US,
          maxCalls: maxCallsPerHost,
          idleProcesses: IDLE_PROCESSES,
          env: { ...TURN_SETTINGS.env, OPENAI_BASE_URL: h.emulator.url },
          logFile: join(artifacts, `bench-scale.run${run}.${hostCount}-hosts.worker-${i + 1}.log`),
          // Kept from its launch on, so Ctrl-C or the other host's failure cleans it up too.
          onLaunch: keep,
        }),
      ),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await hostPool.removeAll();
    throw failed.reason;
  }
  const hosts = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const names = hosts.map((host) => host.name);
  log(
    `  worker hosts up in ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${names.join(', ')}`,
  );
  const rampCap =
    maxCallsPerHost >= UNCAPPED ? MAX_CALLS : Math.min(MAX_CALLS, maxCallsPerHost * hostCount);
  const mediaRoots = h.stack.processes.flatMap((p) =>
    p.child.pid === undefined ? [] : [p.child.pid],
  );
  const calls: RunningCall[] = [];
  const callHosts: (string | undefined)[] = [];
  const levels: Level[] = [];
  try {
    for (let n = 1; n <= rampCap; n += 1) {
      const timeoutsBefore = hosts.map((host) => host.lines.filter(isWarmTimeout).length);
      const call = startCall(caller, callIndex++, speech);
      calls.push(call);
      await call.ready;
      callHosts.push(await hostOfCall(h, call.from, hosts));
      const split = splitOf(callHosts, names);
      if (!call.failure) await warmPoolsFull(hosts, split);

      const windowStart = clock();
      const hostCpu0 = hosts.map((host) => host.cpuSeconds() ?? 0);
      const throttle0 = hosts.map((host) => host.host.cpu?.throttling());
      const media0 = sampleTrees(mediaRoots).cpuSeconds;
      const bench0 = process.cpuUsage();
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
      const machine0 = machineCpu();
      if (!call.failure) await waitForTurns(calls, windowStart, TURNS);
      const seconds = (clock() - windowStart) / 1000;
      const percent = (cpuSeconds: number) =>
        seconds > 0 ? Math.round((cpuSeconds / seconds) * 1000) / 10 : 0;
      const machine1 = machineCpu();
      const machineSeconds = machine1.total - machine0.total;
      const bench = process.cpuUsage(bench0);
      loopDelay.disable();
      const hostP95 = (name: string) => {
        const own = turnsSince(
          calls.filter((_, i) => callHosts[i] === name),
          windowStart,
        );
        return own.length > 0 ? Math.round(percentiles(own).p95) : undefined;
      };
      const latencies = turnsSince(calls, windowStart);
      const stats = latencies.length > 0 ? percentiles(latencies) : undefined;
      const failures = calls.flatMap((c) => (c.failure ? [c.failure] : []));
      const level: Level = {
        calls: n,
        turns: latencies.length,
        passed: failures.length === 0 && stats !== undefined && stats.p95 <= MAX_P95_MS,
        failures,
        p95Ms: stats ? Math.round(stats.p95) : undefined,
        p50Ms: stats ? Math.round(stats.p50) : undefined,
        window_s: Math.round(seconds * 10) / 10,
        host_cpu_percent: Object.fromEntries(
          hosts.map((host, i) => [host.name, percent((host.cpuSeconds() ?? 0) - hostCpu0[i]!)]),
        ),
        host_throttled_percent: Object.fromEntries(
          hosts.map((host, i) => {
            const before = throttle0[i];
            const after = host.host.cpu?.throttling();
            const periods = (after?.periods ?? 0) - (before?.periods ?? 0);
            const throttled = (after?.throttledPeriods ?? 0) - (before?.throttledPeriods ?? 0);
            return [host.name, periods > 0 ? Math.round((throttled / periods) * 100) : 0];
          }),
        ),
        media_stack_cpu_percent: percent(sampleTrees(mediaRoots).cpuSeconds - media0),
        bench_process_cpu_percent: percent((bench.user + bench.system) / 1e6),
        bench_loop_delay_ms: {
          p99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
          max: Math.round(loopDelay.max / 1e5) / 10,
        },
        p95_by_host_ms: Object.fromEntries(names.map((name) => [name, hostP95(name)])),
        machine_cpu_percent:
          machineSeconds > 0
            ? Math.round(((machine1.busy - machine0.busy) / machineSeconds) * machine().cpus * 100)
            : 0,
        split,
        warm_up_timeouts: Object.fromEntries(
          hosts.map((host, i) => [
            host.name,
            host.lines.filter(isWarmTimeout).length - timeoutsBefore[i]!,
          ]),
        ),
      };
      levels.push(level);
      log(
        `  ${n} call(s): p50 ${level.p50Ms ?? '-'} / p95 ${level.p95Ms ?? '-'} ms over ${level.turns} turns, ` +
          `hosts ${JSON.stringify(level.host_cpu_percent)} % CPU (throttled ${JSON.stringify(level.host_throttled_percent)} % of periods), ` +
          `p95 by host ${JSON.stringify(level.p95_by_host_ms)} ms, ` +
          `media ${level.media_stack_cpu_percent} %, callers+emulator ${level.bench_process_cpu_percent} % ` +
          `(loop delay p99 ${level.bench_loop_delay_ms.p99} / max ${level.bench_loop_delay_ms.max} ms), ` +
          `machine ${level.machine_cpu_percent} %, split ${JSON.stringify(split)}, ` +
          `job warm-ups timed out ${JSON.stringify(level.warm_up_timeouts)}` +
          (failures.length > 0 ? `, FAILED: ${failures[0]}` : ''),
      );
      if (!rampGoesOn(level, STOP_P95_MS, rampCap)) break;
    }
  } finally {
    await Promise.all(calls.map((c) => c.stop()));
    await hostPool.removeAll();
    // The rooms of the calls close once their agents are gone: the next pass starts clean.
    await sleep(3_000);
  }
  const last = levels.at(-1);
  const stoppedBy = !last
    ? 'no level'
    : last.failures.length > 0
      ? `failed call at ${last.calls}`
      : last.p95Ms === undefined
        ? `no timed turn at ${last.calls}`
        : last.p95Ms > STOP_P95_MS
          ? `p95 > ${STOP_P95_MS} ms at ${last.calls}`
          : last.calls >= rampCap && rampCap < MAX_CALLS
            ? `admission cap (${hostCount} × ${maxCallsPerHost})`
            : `--max-calls ${MAX_CALLS}`;
  return {
    hosts: hostCount,
    cores_per_host: HOST_CPU,
    max_calls_per_host: maxCallsPerHost,
    capacity: capacityOf(levels),
    at_capacity: levelAtCapacity(levels) ?? null,
    stopped_by: stoppedBy,
    levels,
  };
}

function row(run: number, pass: Pass): PassRow {
  const at = pass.at_capacity;
  return {
    run,
    hosts: pass.hosts,
    coresPerHost: pass.cores_per_host,
    maxCallsPerHost: pass.max_calls_per_host,
    capacity: pass.capacity,
    p95AtCapacityMs: at?.p95Ms,
    hostCpuPercent: at?.host_cpu_percent ?? {},
    hostThrottledPercent: at?.host_throttled_percent ?? {},
    mediaCpuPercent: at?.media_stack_cpu_percent,
    machineCpuPercent: at?.machine_cpu_percent,
    split: at?.split ?? {},
    stoppedBy: pass.stopped_by,
  };
}

const calibrationStart = calibrate();
mkdirSync(artifacts, { recursive: true });
const runs: { one: Pass; two: Pass; ratio: number | undefined; equalLoad: EqualLoad[] }[] = [];
try {
  const stackIp = process.env.STACK_IP;
  harness = await startHarness({
    name: 'bench-scale',
    role: 'media',
    // The worker hosts reach the shared emulator on the media host's address.
    ...(stackIp === undefined ? {} : { emulatorHost: stackIp }),
    env: {
      TRANSFER_TO: '',
      // How long the switchboard waits for a worker to take a call before it tells the caller the
      // line is down (1.2 s by default): a job on a host at its CPU quota can take longer to be
      // running, and the ramp measures latency, not that limit.
      AGENT_WAIT_SECONDS: values['agent-wait-seconds'],
    },
    maxRecordedEvents: 20_000,
  });
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
  const caller = harness.caller();
  for (let run = 1; run <= RUNS; run += 1) {
    const one = await runPass(harness, caller, speech, run, 1, UNCAPPED);
    const perHost = twoHostMaxCalls(values['max-calls-per-host'], one.capacity, UNCAPPED);
    const two = await runPass(harness, caller, speech, run, 2, perHost);
    runs.push({
      one,
      two,
      ratio: scaleRatio(one.capacity, two.capacity),
      equalLoad: equalLoadLevels(one.levels, two.levels),
    });
  }
} finally {
  await cleanup();
}

const calibration = calibrationReport(calibrationStart, calibrate());
const table = formatTable(runs.flatMap(({ one, two }, i) => [row(i + 1, one), row(i + 1, two)]));
const ratioLines = formatRatios(
  runs.map(({ one, two }) => ({ one: one.capacity, two: two.capacity })),
  TARGET_RATIO,
);
const ratios = runs.flatMap((r) => (r.ratio === undefined ? [] : [r.ratio]));
const ratioSpread = spreadOf(ratios);
/** CPU per call at capacity: the worker hosts' CPU over the calls they carried, % of one core. */
const perCall = (pass: Pass) =>
  pass.at_capacity
    ? Math.round(
        (Object.values(pass.at_capacity.host_cpu_percent).reduce((a, b) => a + b, 0) /
          pass.capacity) *
          10,
      ) / 10
    : undefined;
for (const line of [
  '',
  `Capacity: most concurrent calls with turn latency p95 <= ${MAX_P95_MS} ms and no failed call; worker hosts capped at ${HOST_CPU} core each (cgroup v1 cpu.cfs_quota_us ${cfsQuotaUs(HOST_CPU, HOST_CPU_PERIOD_US)} / ${HOST_CPU_PERIOD_US}).`,
  '',
  table,
  '',
  ...ratioLines,
  '',
  'Same calls per host, one host against two (evenly split levels of the two-host pass):',
  ...runs.flatMap(({ equalLoad }, i) => formatEqualLoad(i + 1, equalLoad)),
  '',
  formatCalibration(calibration),
]) {
  console.log(line);
}
console.log(
  JSON.stringify({
    benchmark: 'scale',
    model: 'realtime-emulator (answers at once; not OpenAI), shared on the media host',
    machine: machine(),
    calibration,
    ...TURN_SETTINGS.report,
    criterion: `p95 added latency <= ${MAX_P95_MS} ms and no failed call`,
    host_cpu_cores: HOST_CPU,
    host_cpu_shares: HOST_CPU_SHARES,
    host_cpu_period_ms: HOST_CPU_PERIOD_US / 1000,
    switchboard_agent_wait_seconds: Number(values['agent-wait-seconds']),
    idle_processes_per_host: IDLE_PROCESSES,
    max_calls_per_host_setting: values['max-calls-per-host'],
    target_ratio: TARGET_RATIO,
    runs: runs.map(({ one, two, ratio, equalLoad }) => ({
      ratio: ratio === undefined ? null : Number(ratio.toFixed(2)),
      equal_load: equalLoad,
      one_host: { ...one, worker_cpu_percent_per_call: perCall(one) ?? null },
      two_hosts: { ...two, worker_cpu_percent_per_call: perCall(two) ?? null },
    })),
    ratio: ratioSpread ?? null,
    per_call_worker_cpu_percent_at_reference_calibration: runs.map(({ one }) => {
      const value = perCall(one);
      return value === undefined
        ? null
        : Number(durationAtReference(value, calibration).toFixed(1));
    }),
    target_met: ratios.length === runs.length && ratios.every((r) => r >= TARGET_RATIO),
  }),
);
