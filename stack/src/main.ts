// `npm start`: the stack in the foreground, with prefixed logs; Ctrl-C stops it all.
//   npm start [-- --offline]                  everything on this box (role all)
//   npm start -- --role media [--offline]     all but the agent worker: workers run on worker hosts
//   LIVEKIT_URL=ws://MEDIA:7880 npm start -- --role worker [--offline]
//                                             a worker host: the agent worker (and its own MCP
//                                             server, and offline its own emulator)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  loadConfig,
  loadWorkerConfig,
  parseRole,
  plainHttpWarning,
  type Role,
} from './config.js';
import type { ManagedProcess } from './processes.js';
import { DEV_TLS_DIR } from './sip-tls.js';
import { startStack } from './stack.js';
import { startWorkerHost } from './worker-host.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values } = parseArgs({
  options: { offline: { type: 'boolean', default: false }, role: { type: 'string' } },
});
const offline = values.offline ?? false;
const envFile = join(ROOT, '.env');
if (!existsSync(envFile)) {
  process.stderr.write('No .env: run `npm run setup` first.\n');
  process.exit(2);
}
// Variables already in the shell win over .env (a worker host's LIVEKIT_URL, say).
process.loadEnvFile(envFile);

function configError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

async function startRole(role: Role): Promise<{
  banner: string[];
  processes: readonly ManagedProcess[];
  stop: () => Promise<void>;
}> {
  if (role === 'worker') {
    let config;
    try {
      config = loadWorkerConfig(process.env, { offline });
    } catch (error) {
      configError(error);
    }
    const host = await startWorkerHost({
      root: ROOT,
      livekitUrl: config.livekitUrl,
      offline,
      ...(config.mcpUrl === undefined ? {} : { mcpUrl: config.mcpUrl }),
      ...(config.emulatorUrl === undefined ? {} : { emulatorUrl: config.emulatorUrl }),
      env: { ...config.env, ...config.secrets },
    });
    return {
      banner: [
        'The worker host is up.',
        `  LiveKit server   ${config.livekitUrl}  (the media host; calls are dispatched here)`,
        `  MCP tools        ${host.mcpUrl}${config.mcpUrl === undefined ? '  (this host’s own)' : ''}`,
        offline
          ? `  Model            OFFLINE: Realtime emulator at ${host.emulatorUrl} (not OpenAI)`
          : '  Model            OpenAI Realtime',
      ],
      processes: host.processes,
      stop: host.stop,
    };
  }
  let config;
  try {
    config = loadConfig(process.env, { offline });
  } catch (error) {
    configError(error);
  }
  const stack = await startStack({
    root: ROOT,
    ip: config.ip,
    offline: config.offline,
    role,
    env: { ...config.env, ...config.secrets },
  });
  const warning = plainHttpWarning(config.ip);
  return {
    banner: [
      role === 'media'
        ? 'The media host is up (no agent worker here: start worker hosts with `--role worker`).'
        : 'The stack is up.',
      `  LiveKit server   ${stack.livekitUrl}`,
      `  Dial (SIP)       ${stack.sipUri}  (UDP or TCP; digest user ${config.secrets.SIP_USERNAME}, password SIP_PASSWORD in .env)`,
      `  Dial (SIP/TLS)   ${stack.sipTlsUri}  (dev certificate: trust ${DEV_TLS_DIR}/ca.crt; SRTP offered or not)`,
      `  Dev number       +15550100`,
      `  MCP tools        ${stack.mcpUrl}`,
      config.offline
        ? `  Model            OFFLINE: local Realtime emulator at ${stack.emulatorUrl} (not OpenAI)`
        : '  Model            OpenAI Realtime',
      `  Web tester       ${stack.testerUrl}  (passcode: QA_PASSCODE in .env)`,
      ...(warning === undefined ? [] : [warning]),
    ],
    processes: stack.processes,
    stop: stack.stop,
  };
}

let role: Role;
try {
  role = parseRole(values.role);
} catch (error) {
  configError(error);
}

try {
  const running = await startRole(role);
  process.stdout.write(['', ...running.banner, 'Ctrl-C stops everything.', ''].join('\n'));
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping...\n');
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A service that dies takes the stack down with it: a half-running stack only confuses.
  for (const managed of running.processes) {
    void managed.exited.then((code) => {
      if (stopping || managed.name === 'sip-apply') return;
      process.stderr.write(`${managed.name} exited (${code}); stopping the stack.\n`);
      shutdown();
    });
  }
} catch (error) {
  process.stderr.write(`The stack did not start: ${(error as Error).message}\n`);
  process.exit(1);
}
