// `npm start`: the whole local stack in the foreground, with prefixed logs; Ctrl-C stops it all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, plainHttpWarning, type StackConfig } from './config.js';
import { DEV_TLS_DIR } from './sip-tls.js';
import { startStack } from './stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values } = parseArgs({ options: { offline: { type: 'boolean', default: false } } });
const envFile = join(ROOT, '.env');
if (!existsSync(envFile)) {
  process.stderr.write('No .env: run `npm run setup` first.\n');
  process.exit(2);
}
process.loadEnvFile(envFile);
let config: StackConfig;
try {
  config = loadConfig(process.env, { offline: values.offline ?? false });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

try {
  const stack = await startStack({
    root: ROOT,
    ip: config.ip,
    offline: config.offline,
    env: { ...config.env, ...config.secrets },
  });
  const warning = plainHttpWarning(config.ip);
  process.stdout.write(
    [
      '',
      'The stack is up.',
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
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping...\n');
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A service that dies takes the stack down with it: a half-running stack only confuses.
  for (const managed of stack.processes) {
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
