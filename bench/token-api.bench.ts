// Token API benchmark: sessions issued per second by one server process (one event loop, so one
// core), with p50/p99 latency as seen by N concurrent keep-alive clients (Node's fetch) on loopback.
// The server is the real app (helmet, CORS, rate limiter, passcode check, JSON body, zod, JWT
// signing, pino request log formatting) with the rate limit raised out of the way.
// Usage: npm run bench:token-api [-- --clients 32 --seconds 5 --max-requests 200000]
// Prints human lines on stderr and one JSON summary as its last line on stdout, with the CPU
// calibration (calibration.ts) measured at the start and the end, and the headline figures scaled
// to the reference calibration.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TokenVerifier } from 'livekit-server-sdk';
import {
  createApp,
  createLogger,
  createTokenIssuer,
  loadConfig,
} from '@ecommerce-voicebot/token-api';
import {
  calibrate,
  calibrationReport,
  durationAtReference,
  formatCalibration,
  rateAtReference,
} from './calibration.js';
import { percentiles, type Percentiles } from './stats.js';

const API_KEY = 'bench-api-key';
const API_SECRET = 'bench-api-secret-0123456789abcdefghijklmnopqrstuv';
const PASSCODE = 'bench-passcode-0123456789';
const TARGET_PER_SECOND = 2_000;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'stats'; cpuMs: number; eventLoopUtilization: number; rssMb: number };

/** The child: the app on 127.0.0.1, port 0, reporting its CPU time between start and stop. */
async function serve(): Promise<void> {
  const config = loadConfig({
    LIVEKIT_URL: 'ws://127.0.0.1:7880',
    LIVEKIT_API_KEY: API_KEY,
    LIVEKIT_API_SECRET: API_SECRET,
    QA_PASSCODE: PASSCODE,
    TOKEN_API_MODE: 'production',
    TOKEN_RATE_LIMIT_PER_MIN: '1000000000',
    WEB_TEST_DIR: '/nonexistent',
  });
  // The production logger at info (one "session issued" line per request), formatted but
  // discarded, so the terminal's speed is not measured.
  const logger = createLogger('info', { write: () => {} });
  const app = createApp({ config, logger, checkReady: async () => ({ ready: true }) });
  const listener = app.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const send = (message: ServerMessage) => process.send!(message);
  send({ type: 'listening', port: (listener.address() as AddressInfo).port });
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') {
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
    } else if (message.type === 'stop') {
      const used = process.cpuUsage(cpu);
      send({
        type: 'stats',
        cpuMs: (used.user + used.system) / 1000,
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

function nextMessage<T extends ServerMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`token api exited (${code})`)));
  });
}

async function drive(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string' },
      seconds: { type: 'string' },
      'max-requests': { type: 'string' },
    },
  });
  const clients = Number(values.clients ?? 32);
  const seconds = Number(values.seconds ?? 5);
  const maxRequests = Number(values['max-requests'] ?? 200_000);
  if (![clients, seconds, maxRequests].every((n) => Number.isFinite(n) && n > 0))
    throw new Error('--clients, --seconds and --max-requests must be positive numbers');

  const load = loadavg()[0]!;
  // Before anything else runs: the machine's speed as this run found it.
  const calibrationStart = calibrate();

  // 0. The signing step alone, in this process: the ceiling for the whole request.
  const issuer = createTokenIssuer({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: 'ws://127.0.0.1:7880',
    agentName: 'ecommerce-support',
    ttlSeconds: 600,
  });
  for (let i = 0; i < 500; i++) await issuer.issue({});
  const ISSUES = 5_000;
  const issueStarted = performance.now();
  for (let i = 0; i < ISSUES; i++) await issuer.issue({ participantName: 'bench' });
  const issuePerSecond = ISSUES / ((performance.now() - issueStarted) / 1000);
  log(`token signing alone (in-process, sequential): ${issuePerSecond.toFixed(0)}/s`);

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Bounded whatever happens: the run stops itself.
  const watchdog = setTimeout(
    () => {
      log('benchmark took too long; stopping');
      child.kill('SIGKILL');
      process.exit(1);
    },
    (seconds + 60) * 1000,
  );
  watchdog.unref();
  let result: Measured;
  try {
    const { port } = await nextMessage(child, 'listening');
    const url = `http://127.0.0.1:${port}/api/token`;
    const init: RequestInit = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-QA-Passcode': PASSCODE },
      body: JSON.stringify({
        participant_name: 'Bench Tester',
        room_config: { agents: [{ agent_name: 'ecommerce-support' }] },
      }),
    };

    // Sanity: auth is on, and what comes back is a valid token for a qa- room.
    const refused = await fetch(url, { method: 'POST' });
    await refused.arrayBuffer();
    if (refused.status !== 401)
      throw new Error(`expected 401 without passcode, got ${refused.status}`);
    const sample = await fetch(url, init);
    const body = (await sample.json()) as { participant_token: string };
    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(body.participant_token);
    if (
      sample.status !== 201 ||
      !String((claims.video as { room?: string }).room).startsWith('qa-')
    )
      throw new Error('the sample token is not a qa- room token');

    let errors = 0;
    const runClients = async (until: number, limit: number, latencies?: number[]) => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < until && sent < limit) {
            sent++;
            const started = performance.now();
            const res = await fetch(url, init);
            await res.arrayBuffer();
            latencies?.push(performance.now() - started);
            if (res.status !== 201) errors++;
          }
        }),
      );
    };

    // Warm-up: JIT, connection pool.
    await runClients(performance.now() + 1_000, Number.POSITIVE_INFINITY);
    errors = 0;

    const latencies: number[] = [];
    child.send({ type: 'start' });
    const started = performance.now();
    await runClients(started + seconds * 1000, maxRequests, latencies);
    const elapsedS = (performance.now() - started) / 1000;
    child.send({ type: 'stop' });
    const stats = await nextMessage(child, 'stats');

    const perSecond = latencies.length / elapsedS;
    // What the server's one event loop would do fully busy (it rarely idles at this load).
    const perBusySecond = latencies.length / (elapsedS * stats.eventLoopUtilization);
    const ms = percentiles(latencies);
    const cpuPerSession = (stats.cpuMs * 1000) / latencies.length;
    log(
      `POST /api/token: ${latencies.length} sessions in ${elapsedS.toFixed(2)} s with ${clients} keep-alive clients: ${perSecond.toFixed(0)}/s (target ≥ ${TARGET_PER_SECOND}/s), ${errors} errors`,
    );
    log(
      `latency: p50 ${ms.p50.toFixed(2)} ms, p95 ${ms.p95.toFixed(2)} ms, p99 ${ms.p99.toFixed(2)} ms, max ${ms.max.toFixed(2)} ms`,
    );
    log(
      `server: event loop ${(stats.eventLoopUtilization * 100).toFixed(0)}% busy (${perBusySecond.toFixed(0)} sessions per busy second), ${cpuPerSession.toFixed(0)} µs CPU per session (all threads), RSS ${stats.rssMb.toFixed(0)} MB`,
    );
    log(
      `machine: ${cpus().length} CPUs, load average ${load.toFixed(2)} before the run (other work on the machine lowers every figure)`,
    );
    result = {
      elapsedS,
      sessions: latencies.length,
      errors,
      perSecond,
      perBusySecond,
      ms,
      cpuPerSession,
      eventLoopUtilization: stats.eventLoopUtilization,
      rssMb: stats.rssMb,
    };
  } finally {
    clearTimeout(watchdog);
    child.disconnect();
    child.kill('SIGTERM');
  }
  // The server gone, so that it does not share the core with the calibration.
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  const calibration = calibrationReport(calibrationStart, calibrate());
  log(formatCalibration(calibration));
  const { ms } = result;
  const atReference = {
    sessions_per_s: Math.round(rateAtReference(result.perSecond, calibration)),
    signing_only_per_s: Math.round(rateAtReference(issuePerSecond, calibration)),
    latency_ms: {
      p50: Number(durationAtReference(ms.p50, calibration).toFixed(2)),
      p99: Number(durationAtReference(ms.p99, calibration).toFixed(2)),
    },
    server_cpu_us_per_session: Math.round(durationAtReference(result.cpuPerSession, calibration)),
  };
  // The anchor measured in the same process: how much of the signing ceiling the app reaches.
  const ofSigning = result.perSecond / issuePerSecond;
  log(
    `at the reference calibration: ${atReference.sessions_per_s}/s, p50 ${atReference.latency_ms.p50} ms, p99 ${atReference.latency_ms.p99} ms; sessions/s = ${(ofSigning * 100).toFixed(1)} % of signing alone`,
  );

  console.log(
    JSON.stringify({
      benchmark: 'token-api',
      clients,
      seconds: Number(result.elapsedS.toFixed(2)),
      sessions: result.sessions,
      errors: result.errors,
      sessions_per_s: Math.round(result.perSecond),
      latency_ms: {
        p50: Number(ms.p50.toFixed(3)),
        p95: Number(ms.p95.toFixed(3)),
        p99: Number(ms.p99.toFixed(3)),
        max: Number(ms.max.toFixed(3)),
      },
      server_event_loop_utilization: Number(result.eventLoopUtilization.toFixed(3)),
      server_sessions_per_busy_s: Math.round(result.perBusySecond),
      server_cpu_us_per_session: Math.round(result.cpuPerSession),
      server_rss_mb: Math.round(result.rssMb),
      signing_only_per_s: Math.round(issuePerSecond),
      sessions_per_s_of_signing_only: Number(ofSigning.toFixed(3)),
      calibration,
      at_reference_calibration: atReference,
      targets: { sessions_per_s: TARGET_PER_SECOND },
      meets_target: result.perSecond >= TARGET_PER_SECOND && result.errors === 0,
      node: process.version,
      cpus: cpus().length,
      load_average_1m: Number(load.toFixed(2)),
    }),
  );
}

/** What the load phase measured, printed once the server is gone and the machine re-calibrated. */
interface Measured {
  elapsedS: number;
  sessions: number;
  errors: number;
  perSecond: number;
  perBusySecond: number;
  ms: Percentiles;
  cpuPerSession: number;
  eventLoopUtilization: number;
  rssMb: number;
}

if (process.argv.includes('--serve')) await serve();
else await drive();
