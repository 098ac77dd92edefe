import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_BUNDLE, AGENT_LOAD_ONLY_ENV, bundleAgent } from './services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the agent bundle the stack runs', () => {
  it('holds our code, imports only installed packages, and loads in plain Node', () => {
    bundleAgent(ROOT);
    const path = join(ROOT, AGENT_BUNDLE);
    const code = readFileSync(path, 'utf8');
    // The workspace's packages are TypeScript sources: plain Node cannot load them, so they are in.
    expect(code).not.toMatch(/from ["']@ecommerce-voicebot\//);
    expect(code).toContain('job process warm');
    // Loading it (no command: the framework prints its usage) needs no TypeScript loader.
    const usage = execFileSync(process.execPath, [path, '--help'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...AGENT_LOAD_ONLY_ENV },
      encoding: 'utf8',
    });
    expect(usage).toMatch(/start/);
  }, 60_000);
});
