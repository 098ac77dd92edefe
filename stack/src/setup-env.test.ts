// scripts/setup.sh writes the .env that `npm start` reads: its "Environment file" step, run in a
// scratch folder, must give a .env that loadConfig accepts (no placeholder, no short password),
// and must add secrets that an older .env lacks without touching the rest.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICES = ['stack', 'sip', 'switchboard', 'mcp', 'agent', 'token-api'];
const setup = readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8');
const envStep = setup.slice(setup.indexOf('step "Environment file"'), setup.indexOf('step "Done"'));

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function runEnvStep(): { env: Record<string, string>; output: string } {
  const output = execFileSync('bash', ['-euo', 'pipefail', '-c', `step() { :; }\n${envStep}`], {
    cwd: dir,
    encoding: 'utf8',
  });
  return {
    env: parseEnv(readFileSync(join(dir!, '.env'), 'utf8')) as Record<string, string>,
    output,
  };
}

describe("setup's .env", () => {
  it('has fresh secrets npm start accepts, readable by its owner only', () => {
    dir = mkdtempSync(join(tmpdir(), 'setup-env-'));
    for (const service of SERVICES) {
      mkdirSync(join(dir, service));
      copyFileSync(join(ROOT, service, '.env.example'), join(dir, service, '.env.example'));
    }
    expect(envStep).toContain('REDIS_PASSWORD');
    const { env } = runEnvStep();
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    const config = loadConfig({ ...env, STACK_IP: '10.77.0.1' }, { offline: true });
    expect(config.secrets.REDIS_PASSWORD.length).toBeGreaterThanOrEqual(32);
    expect(config.secrets.SIP_PASSWORD.length).toBeGreaterThanOrEqual(16);
  });

  it('adds a Redis password to an older .env, leaving every other line as it was', () => {
    dir = mkdtempSync(join(tmpdir(), 'setup-env-'));
    const before = 'SIP_USERNAME=devcaller\nSIP_PASSWORD=kept-as-it-was-123\n';
    writeFileSync(join(dir, '.env'), before, { mode: 0o600 });
    const { env, output } = runEnvStep();
    expect(output).toContain('added a fresh REDIS_PASSWORD');
    expect(readFileSync(join(dir, '.env'), 'utf8').startsWith(before)).toBe(true);
    expect(env.REDIS_PASSWORD).toMatch(/^[\w-]{32}$/);
    // Run again: nothing changes.
    const again = runEnvStep();
    expect(again.env).toEqual(env);
  });
});
