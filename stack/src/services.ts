// Starting the runner's services, shared by the whole stack (stack.ts) and a worker-only host
// (worker-host.ts): each service in its own process group with only its own secrets, and the
// services both roles run (the MCP server, the offline Realtime emulator, the agent worker).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { JOB_PROCESS_WARM_MESSAGE } from '@ecommerce-voicebot/contracts';
import { lowerPriority, startProcess, waitForHttp, type ManagedProcess } from './processes.js';
import { serviceEnv, type Service } from './service-env.js';

export const PORTS = Object.freeze({
  redis: 6379,
  livekit: 7880,
  sip: 5060,
  sipTls: 5061,
  sipHealth: 8082,
  mcp: 3001,
  switchboard: 8083,
  emulator: 8089,
  agentHealth: 8081,
  tokenApi: 3000,
});

export interface ServiceStarter {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every process started, in start order. */
  readonly started: ManagedProcess[];
  start(
    name: Service,
    command: string,
    args: string[],
    extraEnv?: NodeJS.ProcessEnv,
    references?: readonly string[],
  ): ManagedProcess;
  /** Stops every process, last started first. */
  stopAll(): Promise<void>;
  /** A line of the runner's own (not a service's). */
  note(line: string): void;
}

export function createServiceStarter(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}): ServiceStarter {
  const started: ManagedProcess[] = [];
  return {
    root: options.root,
    env: options.env,
    started,
    start(name, command, args, extraEnv = {}, references = []) {
      const managed = startProcess({
        name,
        command,
        args,
        cwd: options.root,
        env: serviceEnv(name, options.env, extraEnv, references),
        onLine: options.onLine,
      });
      started.push(managed);
      return managed;
    },
    async stopAll() {
      // Reverse order: the agent leaves its rooms before the server goes away.
      for (const managed of [...started].reverse()) await managed.stop();
    },
    note: options.onLine ?? ((line: string) => process.stdout.write(`${line}\n`)),
  };
}

const tsx = (starter: ServiceStarter) => join(starter.root, 'node_modules/.bin/tsx');

/** The agent worker's entry in its bundle of our code and the framework's (`npm run bundle -w agent`). */
export const AGENT_BUNDLE = 'agent/dist/main.js';

/**
 * What the worker needs in its environment to load with no API key and no server: its
 * configuration is read as its module loads (offline mode, an emulator URL nothing answers on).
 */
export const AGENT_LOAD_ONLY_ENV = Object.freeze({
  AGENT_MODE: 'offline',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
});

/**
 * Bundles the agent from its current source, at every start (about a second): each job process is
 * a new Node process, and one that loads the worker and the agents framework from a bundle spends
 * a fraction of the CPU it takes from their sources (agent/scripts/bundle.ts says how, and
 * `npm run bench:job-start` how much), on a box where a process warms while calls are up. The
 * script writes each file aside and renames it into place: a worker host starting beside another
 * must not make the other's job processes load a half-written file.
 */
export function bundleAgent(root: string): void {
  execFileSync('npm', ['run', '--silent', 'bundle', '--workspace', 'agent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The MCP server on loopback; resolves with its URL once it is healthy. */
export async function startMcpServer(starter: ServiceStarter): Promise<string> {
  const mcp = starter.start('mcp', tsx(starter), [
    'mcp/src/main.ts',
    '--http',
    '--port',
    String(PORTS.mcp),
    '--host',
    '127.0.0.1',
  ]);
  await waitForHttp(`http://127.0.0.1:${PORTS.mcp}/healthz`, {
    timeoutMs: 60_000,
    process: mcp,
    what: 'the MCP server',
  });
  return `http://127.0.0.1:${PORTS.mcp}/mcp`;
}

/** The offline Realtime emulator on loopback; resolves with the base URL the agent uses. */
export async function startEmulator(starter: ServiceStarter): Promise<string> {
  const emulator = starter.start('emulator', tsx(starter), [
    'tools/realtime-emulator/src/main.ts',
    '--port',
    String(PORTS.emulator),
    '--host',
    '127.0.0.1',
  ]);
  await waitForHttp(`http://127.0.0.1:${PORTS.emulator}/healthz`, {
    timeoutMs: 20_000,
    process: emulator,
    what: 'the Realtime emulator',
  });
  return `http://127.0.0.1:${PORTS.emulator}/v1`;
}

/** The agents framework's warm pool: AGENT_NUM_IDLE_PROCESSES, else min(cores, 4) in production. */
export function warmPoolSize(setting: string | undefined): number {
  const configured = Number(setting);
  return Number.isInteger(configured) && configured >= 1
    ? configured
    : Math.min(availableParallelism(), 4);
}

/**
 * The agent worker's nice value (its job processes inherit it). A job process takes a few
 * CPU-seconds to start a call; where the worker shares a box with the media services and the
 * switchboard, those go first, so that a burst of calls does not stall the switchboard (its queue
 * message came 1.1 s late in a 4-call burst on 2 cores) or the audio already flowing.
 */
export const AGENT_NICENESS = 5;

/** A line the agent worker logs (pino JSON) when one more job process is warm. */
export function isWarmProcessLine(line: string): boolean {
  return line.includes(`"msg":"${JOB_PROCESS_WARM_MESSAGE}"`);
}

export interface AgentWorkerOptions {
  /** livekit-server's WebSocket URL, as this host reaches it. */
  livekitUrl: string;
  mcpUrl: string;
  /** Offline: the Realtime emulator's base URL instead of OpenAI. */
  emulatorUrl?: string;
  /** Return once registered, before the warm pool is up (tests of calls during warm-up). */
  skipWarmWait?: boolean;
  /**
   * Profiles the worker and every job process it forks (they inherit Node's flags): one V8 CPU
   * profile per process, written here as it exits (`npm run bench:concurrency -- --profile`).
   */
  cpuProfileDir?: string;
}

/**
 * The agent worker; resolves once it is registered with livekit-server and its warm job
 * processes are up (or 60 s passed).
 */
export async function startAgentWorker(
  starter: ServiceStarter,
  options: AgentWorkerOptions,
): Promise<ManagedProcess> {
  bundleAgent(starter.root);
  const profile =
    options.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const agent = starter.start('agent', process.execPath, [...profile, AGENT_BUNDLE, 'start'], {
    LIVEKIT_URL: options.livekitUrl,
    MCP_URL: options.mcpUrl,
    // Its health page shows the agent name and job count: loopback only.
    AGENT_HTTP_HOST: '127.0.0.1',
    AGENT_HTTP_PORT: String(PORTS.agentHealth),
    ...(options.emulatorUrl !== undefined
      ? { AGENT_MODE: 'offline', OPENAI_BASE_URL: options.emulatorUrl }
      : {}),
  });
  if (agent.child.pid !== undefined && !lowerPriority(agent.child.pid, AGENT_NICENESS))
    starter.note(`[stack] could not lower the agent worker's priority; going on`);
  // 200 once the worker's connection to livekit-server is open (it registers right then).
  await waitForHttp(`http://127.0.0.1:${PORTS.agentHealth}/`, {
    timeoutMs: 60_000,
    process: agent,
    what: 'the agent worker',
  });
  if (options.skipWarmWait === true) return agent;
  // Registered is not ready: the framework warms its job processes one at a time, and a call
  // that shares the machine with them greets late. Wait for the warm pool (or say why not).
  const pool = warmPoolSize(starter.env.AGENT_NUM_IDLE_PROCESSES);
  const warm = await agent.waitForLines(isWarmProcessLine, pool, 60_000);
  if (!warm)
    starter.note(
      `[stack] the agent's ${pool} job processes were not all warm after 60 s; going on`,
    );
  return agent;
}
