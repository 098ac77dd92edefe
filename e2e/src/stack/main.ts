// `npm start`: the whole local stack in the foreground, with prefixed logs; Ctrl-C stops it all.
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack, type StackSecrets } from './stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function firstNonLoopbackIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

const { values } = parseArgs({ options: { offline: { type: 'boolean', default: false } } });
const envFile = join(ROOT, '.env');
if (!existsSync(envFile)) {
  process.stderr.write('No .env: run `npm run setup` first.\n');
  process.exit(2);
}
process.loadEnvFile(envFile);
const required: (keyof StackSecrets)[] = [
  'LIVEKIT_API_KEY',
  'LIVEKIT_API_SECRET',
  'MCP_AUTH_TOKEN',
  'SIP_USERNAME',
  'SIP_PASSWORD',
];
for (const name of required) {
  if (!process.env[name]) {
    process.stderr.write(
      `${name} is not set in .env (run \`npm run setup\` on a fresh clone, or set it).\n`,
    );
    process.exit(2);
  }
}
const ip = process.env.STACK_IP || firstNonLoopbackIPv4();
if (ip === undefined) {
  process.stderr.write(
    'No non-loopback IPv4 address found: set STACK_IP (WebRTC ignores loopback).\n',
  );
  process.exit(2);
}
if (!values.offline && !process.env.OPENAI_API_KEY && !process.env.AZURE_OPENAI_ENDPOINT) {
  process.stderr.write(
    'OPENAI_API_KEY is not set: set it in .env, or run `npm start -- --offline` for the local Realtime emulator.\n',
  );
  process.exit(2);
}

try {
  const stack = await startStack({
    root: ROOT,
    ip,
    offline: values.offline ?? false,
    env: process.env as NodeJS.ProcessEnv & StackSecrets,
    reuseRedis: true,
  });
  process.stdout.write(
    [
      '',
      'The stack is up.',
      `  LiveKit server   ${stack.livekitUrl}`,
      `  Dial (SIP)       ${stack.sipUri}  (UDP or TCP; digest user ${process.env.SIP_USERNAME}, password SIP_PASSWORD in .env)`,
      `  Dev number       +15550100`,
      `  MCP tools        ${stack.mcpUrl}`,
      values.offline
        ? `  Model            OFFLINE: local Realtime emulator at ${stack.emulatorUrl} (not OpenAI)`
        : '  Model            OpenAI Realtime',
      `  Web tester       ${stack.testerUrl}  (passcode: QA_PASSCODE in .env)`,
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
