// A worker host for tests and benchmarks of more than one machine: a test host (test-hosts.ts)
// running the documented command `npm start -- --role worker --offline`, registered with the media
// host's livekit-server, with a call records folder of its own (CALLS_DIR), its output kept and
// written to a log file. With `cpuCores` every process of the host (npm, the runner, its MCP
// server, the agent worker and its job processes) shares one CPU limit. Its own MCP server runs
// on its loopback; offline it runs its own Realtime emulator unless OPENAI_BASE_URL names one (a
// benchmark keeps the model's stand-in off the host's CPU budget that way, as OpenAI would be).
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './eventually.js';
import { createTestHost, type TestHost } from './test-hosts.js';

/** The line `npm start -- --role worker` prints once the host is up (its banner). */
export const WORKER_HOST_UP = 'The worker host is up.';

export interface WorkerHostOptions {
  /** The host's name (log file, cgroup) and number n (address 10.77.n.2), as createTestHost. */
  name: string;
  n: number;
  /** The repository root: where `npm start` runs. */
  root: string;
  /** The media host's livekit-server as this host reaches it (ws://10.77.0.1:7880) and its key. */
  livekit: { url: string; apiKey: string; apiSecret: string };
  /** Caps the whole host at this many cores (cgroup v1 CFS quota). */
  cpuCores?: number;
  /** With `cpuCores`: its cpu.shares, its weight against other work on the machine. */
  cpuShares?: number;
  /** With `cpuCores`: the CFS period in µs (default the kernel's 100 ms). */
  cpuPeriodUs?: number;
  /** AGENT_MAX_CALLS (default 6). */
  maxCalls?: number;
  /** AGENT_NUM_IDLE_PROCESSES (default 2). */
  idleProcesses?: number;
  /**
   * More environment, over the defaults: e.g. OPENAI_BASE_URL of a shared emulator, turn settings.
   * The defaults: the host's own MCP server and emulator (MCP_URL, OPENAI_BASE_URL empty), a fresh
   * MCP_AUTH_TOKEN and CALLS_DIR, USER_AWAY_SECONDS 600 (test callers stay quiet), no TRANSFER_TO,
   * LOG_LEVEL info.
   */
  env?: NodeJS.ProcessEnv;
  /** Where its output goes (default: none kept on disk). */
  logFile?: string;
  /** How long `npm start` may take to print its banner (default 180 s). */
  startTimeoutMs?: number;
  /**
   * Called as soon as `npm start` is launched, before it is up: a caller that must clean up on
   * Ctrl-C or a failure elsewhere keeps the host from here on.
   */
  onLaunch?: (host: WorkerHost) => void;
}

export interface WorkerHost {
  readonly name: string;
  readonly host: TestHost;
  /** Its call records folder (CALLS_DIR). */
  readonly callsDir: string;
  /** `npm start`, as started (in the host, and in its CPU group if any). */
  readonly runner: ChildProcess;
  /** Every line `npm start` printed so far (the services' prefixed logs included). */
  readonly lines: readonly string[];
  /** Resolves once `count` lines (seen since the host started) match, or false after `timeoutMs`. */
  waitForLines(
    match: (line: string) => boolean,
    count: number,
    timeoutMs: number,
  ): Promise<boolean>;
  /** The lines of every record of `callId` (its SIP participant's `sip.callID`) on this host. */
  recordLines(callId: string): Record<string, unknown>[];
  /** Whether this host wrote a record of `callId`. */
  hasCall(callId: string): boolean;
  /** CPU time the host's group used so far, in seconds (undefined without `cpuCores`). */
  cpuSeconds(): number | undefined;
  /**
   * SIGKILLs every process of the host, as a host losing power (TestHost.kill: its network and CPU
   * group stay, so its call records and CPU figures can still be read).
   */
  kill(): Promise<void>;
  /** Kills the host if it still runs, removes its network and CPU group, ends its log. */
  remove(): Promise<void>;
}

/** Starts `npm start -- --role worker --offline` on a new test host; resolves once it is up. */
export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  const host = await createTestHost(options.name, options.n, {
    ...(options.cpuCores === undefined ? {} : { cpuCores: options.cpuCores }),
    ...(options.cpuShares === undefined ? {} : { cpuShares: options.cpuShares }),
    ...(options.cpuPeriodUs === undefined ? {} : { cpuPeriodUs: options.cpuPeriodUs }),
  });
  const callsDir = mkdtempSync(join(tmpdir(), `calls-${options.name}-`));
  const runner = host.run('npm', ['start', '--', '--role', 'worker', '--offline'], {
    cwd: options.root,
    env: {
      ...process.env,
      LIVEKIT_URL: options.livekit.url,
      LIVEKIT_API_KEY: options.livekit.apiKey,
      LIVEKIT_API_SECRET: options.livekit.apiSecret,
      MCP_AUTH_TOKEN: randomBytes(24).toString('base64url'),
      MCP_URL: '',
      OPENAI_BASE_URL: '',
      CALLS_DIR: callsDir,
      AGENT_MAX_CALLS: String(options.maxCalls ?? 6),
      AGENT_NUM_IDLE_PROCESSES: String(options.idleProcesses ?? 2),
      USER_AWAY_SECONDS: '600',
      TRANSFER_TO: '',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const log: WriteStream | undefined =
    options.logFile === undefined ? undefined : createWriteStream(options.logFile);
  const lines: string[] = [];
  for (const stream of [runner.stdout!, runner.stderr!])
    createInterface({ input: stream }).on('line', (line) => {
      log?.write(`${line}\n`);
      lines.push(line);
    });
  const records = (callId: string) =>
    readdirSync(callsDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith(`${callId}.jsonl`),
    );
  const worker: WorkerHost = {
    name: options.name,
    host,
    callsDir,
    runner,
    lines,
    async waitForLines(match, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (lines.filter(match).length < count) {
        if (Date.now() > deadline || runner.exitCode !== null) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return true;
    },
    recordLines(callId) {
      return records(callId)
        .flatMap((file) => readFileSync(join(callsDir, file), 'utf8').split('\n'))
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    hasCall(callId) {
      return records(callId).length > 0;
    },
    cpuSeconds() {
      return host.cpu?.usageSeconds();
    },
    kill: () => host.kill(),
    async remove() {
      try {
        await host.remove();
      } finally {
        log?.end();
      }
    },
  };
  options.onLaunch?.(worker);
  try {
    await eventually(
      () => {
        if (runner.exitCode !== null)
          throw new Error(`${options.name} exited: ${lines.slice(-20).join('\n')}`);
        return lines.some((line) => line.includes(WORKER_HOST_UP)) || undefined;
      },
      options.startTimeoutMs ?? 180_000,
      `${options.name} to start`,
    );
  } catch (error) {
    await worker.remove().catch(() => undefined);
    throw error;
  }
  return worker;
}
