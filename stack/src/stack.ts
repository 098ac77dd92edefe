// The whole local stack, started in dependency order, each step waiting for its health check:
// Redis, livekit-server, livekit-sip, the MCP server, (offline) the Realtime emulator, the agent
// worker, the token API with the web tester; then the dev SIP trunk and dispatch rule are applied.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillEnvTemplate, livekitKeys } from '@ecommerce-voicebot/contracts';
import { waitForHttp, type ManagedProcess } from './processes.js';
import { templateReferences } from './service-env.js';
import {
  createServiceStarter,
  PORTS,
  startAgentWorker,
  startEmulator,
  startMcpServer,
} from './services.js';
import { sipTlsFiles } from './sip-tls.js';

export { isWarmProcessLine, PORTS, warmPoolSize } from './services.js';

export interface StackSecrets {
  LIVEKIT_API_KEY: string;
  LIVEKIT_API_SECRET: string;
  MCP_AUTH_TOKEN: string;
  SIP_USERNAME: string;
  SIP_PASSWORD: string;
  /** Redis's requirepass: Redis holds every SIP trunk's credentials. */
  REDIS_PASSWORD: string;
}

export interface StackOptions {
  /** Repository root. */
  root: string;
  /** Address advertised for WebRTC and SIP media. */
  ip: string;
  /** Use the local Realtime emulator instead of OpenAI. */
  offline: boolean;
  /**
   * The environment (.env plus the shell's), secrets included. Each service gets it without the
   * secrets it does not need (service-env.ts).
   */
  env: NodeJS.ProcessEnv & StackSecrets;
  /** Output lines of every process, prefixed with its name. */
  onLine?: (line: string) => void;
  /** Offline with a Realtime emulator the caller runs (tests drive its scenario): not started here. */
  emulatorUrl?: string;
  /**
   * `all` (default): everything on this box. `media`: everything but the agent worker, whose
   * workers run on worker hosts (worker-host.ts) and reach this one's livekit-server.
   */
  role?: 'all' | 'media';
  /** Return once the agent worker registered, before its job processes are warm. */
  skipWarmWait?: boolean;
  /** CPU profiles of the agent worker and its job processes go here (services.ts says how). */
  agentCpuProfileDir?: string;
}

export interface Stack {
  livekitUrl: string;
  sipUri: string;
  /** The dev number over TLS (port 5061, transport=tls). */
  sipTlsUri: string;
  mcpUrl: string;
  testerUrl: string;
  emulatorUrl: string | undefined;
  processes: readonly ManagedProcess[];
  /**
   * Signals one service's process group (SIGTERM by default; SIGKILL for a crash), waits for it to
   * exit, starts it again with the same configuration and waits for its health check.
   */
  restart(name: RestartableService, options?: { signal?: NodeJS.Signals }): Promise<void>;
  stop(): Promise<void>;
}

export type RestartableService = 'redis' | 'agent';

/** Whether anything accepts TCP connections on the loopback port. */
async function portInUse(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Whether our Redis answers: it authenticates with the password, then PING gets PONG. */
async function redisAnswers(port: number, password: string): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    // RESP array form, so a password with spaces or quotes is sent as one argument.
    const auth = `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
    socket.once('connect', () => socket.write(`${auth}PING\r\n`));
    let received = '';
    socket.on('data', (data) => {
      received += data.toString();
      if (!received.includes('\r\n', received.indexOf('\r\n') + 2)) return;
      socket.destroy();
      resolve(received.startsWith('+OK\r\n+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForRedis(
  port: number,
  password: string,
  process: ManagedProcess,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(port, password))) {
    if (process.child.exitCode !== null) throw new Error('redis-server exited before it was ready');
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Never a Redis the stack did not start: it would have another password (or none) and other
 * trunks, and whoever runs it could read ours. Debian's redis-server package starts one on 6379.
 */
export async function refuseForeignRedis(port: number): Promise<void> {
  if (await portInUse(port))
    throw new Error(
      `port ${port} (Redis) is already in use on 127.0.0.1: the stack runs its own Redis with ` +
        `REDIS_PASSWORD and never reuses another. Stop the other one (Debian's service: ` +
        `\`systemctl disable --now redis-server\`) or the stack already running.`,
    );
}

/** A value inside a double-quoted redis.conf string. */
function redisConfQuote(value: string): string {
  return value.replace(/[\\"]/g, (char) => `\\${char}`);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { root, ip, env } = options;
  const tools = join(root, '.tools/bin');
  const tsx = join(root, 'node_modules/.bin/tsx');
  const starter = createServiceStarter({ root, env, onLine: options.onLine });
  const { start, started } = starter;
  const launchers = new Map<RestartableService, () => Promise<ManagedProcess>>();
  // Redis holds the SIP trunks and dispatch rules: it persists them (append-only file) so a Redis
  // restart does not silently unconfigure the bridge.
  const redisDir = mkdtempSync(join(tmpdir(), 'voicebot-redis-'));
  const stop = async () => {
    await starter.stopAll();
    rmSync(redisDir, { recursive: true, force: true });
  };
  const restart = async (name: RestartableService, opts: { signal?: NodeJS.Signals } = {}) => {
    const launch = launchers.get(name);
    const index = started.findIndex((managed) => managed.name === name);
    if (launch === undefined || index === -1) throw new Error(`${name} is not running here`);
    const old = started[index]!;
    if (opts.signal !== undefined && old.child.pid !== undefined) {
      try {
        process.kill(-old.child.pid, opts.signal);
      } catch {
        // already gone
      }
    }
    await old.stop();
    started.splice(index, 1);
    const fresh = await launch();
    // Keep the start order, so stop() still stops the agent before the servers.
    started.splice(started.indexOf(fresh), 1);
    started.splice(index, 0, fresh);
  };

  try {
    // Before anything starts: a missing certificate would stop the bridge with a status of 0.
    const tls = sipTlsFiles(root, env);
    await refuseForeignRedis(PORTS.redis);
    // The password in a config file in the stack's private temp folder (0700, removed at stop),
    // not on the command line, where any local user reads it in `ps`.
    const redisConf = join(redisDir, 'redis.conf');
    writeFileSync(redisConf, `requirepass "${redisConfQuote(env.REDIS_PASSWORD)}"\n`, {
      mode: 0o600,
    });
    const launchRedis = async () => {
      const redis = start('redis', 'redis-server', [
        redisConf,
        '--port',
        String(PORTS.redis),
        '--bind',
        '127.0.0.1',
        '--dir',
        redisDir,
        '--save',
        '',
        '--appendonly',
        'yes',
      ]);
      await waitForRedis(PORTS.redis, env.REDIS_PASSWORD, redis);
      return redis;
    };
    launchers.set('redis', launchRedis);
    await launchRedis();

    const livekit = start(
      'livekit',
      join(tools, 'livekit-server'),
      // The API on loopback (livekit.yaml) and on STACK_IP, where testers' browsers reach it.
      [
        '--config',
        join(root, 'livekit.yaml'),
        '--node-ip',
        ip,
        '--bind',
        '127.0.0.1',
        ...(ip === '127.0.0.1' ? [] : ['--bind', ip]),
      ],
      {
        // The deployment's key, and the same secret under the name livekit.yaml signs webhooks with.
        LIVEKIT_KEYS: livekitKeys(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET),
      },
    );
    await waitForHttp(`http://127.0.0.1:${PORTS.livekit}/`, {
      timeoutMs: 20_000,
      process: livekit,
      what: 'livekit-server',
    });

    // Before the bridge: every call is seen (livekit.yaml's webhook) from the first one on.
    const switchboard = start('switchboard', tsx, ['switchboard/src/main.ts'], {
      // Its API calls and, when no agent can take a call, its recorded apology (WebRTC).
      LIVEKIT_URL: `ws://${ip}:${PORTS.livekit}`,
      SWITCHBOARD_HOST: '127.0.0.1',
      SWITCHBOARD_PORT: String(PORTS.switchboard),
    });
    await waitForHttp(`http://127.0.0.1:${PORTS.switchboard}/healthz`, {
      timeoutMs: 30_000,
      process: switchboard,
      what: 'the switchboard',
    });

    const bridgeConfig = fillEnvTemplate(readFileSync(join(root, 'sip/bridge.yaml'), 'utf8'), {
      ...env,
      STACK_IP: ip,
      // SIP signalling on STACK_IP only (bridge.yaml listen_ip), unless .env names another address.
      SIP_LISTEN_IP: env.SIP_LISTEN_IP || ip,
      SIP_TLS_CERT_FILE: tls.certFile,
      SIP_TLS_KEY_FILE: tls.keyFile,
    });
    const sip = start('sip', join(tools, 'livekit-sip'), [], { SIP_CONFIG_BODY: bridgeConfig });
    await waitForHttp(`http://127.0.0.1:${PORTS.sipHealth}/`, {
      timeoutMs: 20_000,
      process: sip,
      what: 'livekit-sip',
    });

    const mcpUrl = await startMcpServer(starter);
    let emulatorUrl = options.emulatorUrl;
    if (options.offline && emulatorUrl === undefined) emulatorUrl = await startEmulator(starter);

    const livekitUrl = `ws://${ip}:${PORTS.livekit}`;
    if ((options.role ?? 'all') === 'all') {
      const launchAgent = () =>
        startAgentWorker(starter, {
          livekitUrl,
          mcpUrl,
          ...(options.offline ? { emulatorUrl } : {}),
          ...(options.skipWarmWait === true ? { skipWarmWait: true } : {}),
          ...(options.agentCpuProfileDir === undefined
            ? {}
            : { cpuProfileDir: options.agentCpuProfileDir }),
        });
      launchers.set('agent', launchAgent);
      await launchAgent();
    }

    const tokenApi = start('token-api', tsx, ['token-api/src/main.ts'], {
      LIVEKIT_URL: `http://127.0.0.1:${PORTS.livekit}`,
      LIVEKIT_PUBLIC_URL: livekitUrl,
      TOKEN_API_HOST: ip,
      TOKEN_API_PORT: String(PORTS.tokenApi),
    });
    await waitForHttp(`http://${ip}:${PORTS.tokenApi}/healthz`, {
      timeoutMs: 30_000,
      process: tokenApi,
      what: 'the token API',
    });

    const apply = start(
      'sip-apply',
      'npm',
      ['run', '--silent', 'sip', '--', 'apply'],
      { LIVEKIT_URL: `http://127.0.0.1:${PORTS.livekit}` },
      // The credentials sip/trunks.yaml names (`${SIP_PASSWORD}`, a carrier's) and nothing else.
      templateReferences(readFileSync(join(root, 'sip/trunks.yaml'), 'utf8')),
    );
    const code = await apply.exited;
    if (code !== 0)
      throw new Error('applying sip/trunks.yaml failed (see the sip-apply lines above)');

    return {
      livekitUrl,
      sipUri: `sip:+15550100@${ip}:${PORTS.sip}`,
      sipTlsUri: `sip:+15550100@${ip}:${PORTS.sipTls};transport=tls`,
      mcpUrl,
      testerUrl: `http://${ip}:${PORTS.tokenApi}/`,
      emulatorUrl,
      processes: started,
      restart,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
