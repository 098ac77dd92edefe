// The service as a process: what it refuses at start, and what it logs when it starts.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSCODE, testEnv } from './testing/helpers.js';

const TOKEN_API = fileURLToPath(new URL('../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
// Nothing from the developer's shell: only what each test sets.
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

const processGroups: number[] = [];
afterEach(() => {
  for (const pid of processGroups.splice(0)) process.kill(-pid, 'SIGTERM');
});

function run(env: NodeJS.ProcessEnv) {
  return spawnSync(TSX, ['src/main.ts'], {
    cwd: TOKEN_API,
    env: { ...BASE_ENV, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

async function start(env: NodeJS.ProcessEnv): Promise<{ url: string; log: () => string }> {
  const child = spawn(TSX, ['src/main.ts'], {
    cwd: TOKEN_API,
    // Port 0: the service logs the address it was given.
    env: { ...BASE_ENV, ...env, TOKEN_API_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  processGroups.push(child.pid!);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  while (!output.includes('token api listening')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`token api did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
  if (url === undefined) throw new Error(`token api did not log its address:\n${output}`);
  return { url, log: () => output };
}

describe('token api process', () => {
  it('refuses to start in production mode without access control', () => {
    const result = run(testEnv({ TOKEN_API_MODE: 'production' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'Invalid configuration: QA_PASSCODE or QA_BASIC_AUTH is required in production mode',
    );
    expect(run(testEnv({ NODE_ENV: 'production' })).status).toBe(2);
  });

  it('refuses to start without LiveKit credentials, naming the variable', () => {
    const result = run(testEnv({ LIVEKIT_API_SECRET: '' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('LIVEKIT_API_SECRET is required');
  });

  it('starts open in development mode with a clear warning', async () => {
    const { url, log } = await start(testEnv());
    expect(log()).toContain('NO ACCESS CONTROL');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await fetch(`${url}/api/token`, { method: 'POST' });
    expect(res.status).toBe(201);
  });

  it('starts in production mode with a passcode, without the warning', async () => {
    const { url, log } = await start(
      testEnv({ TOKEN_API_MODE: 'production', QA_PASSCODE: PASSCODE, LOG_LEVEL: 'info' }),
    );
    expect(log()).not.toContain('NO ACCESS CONTROL');
    expect((await fetch(`${url}/api/token`, { method: 'POST' })).status).toBe(401);
    const res = await fetch(`${url}/api/token`, {
      method: 'POST',
      headers: { 'X-QA-Passcode': PASSCODE },
    });
    expect(res.status).toBe(201);
    const deadline = Date.now() + 5_000;
    while (!log().includes('session issued') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log()).toContain('session issued');
    expect(log()).not.toContain(PASSCODE);
  });
});
