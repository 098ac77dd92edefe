// No Docker engine runs here, so the production image is checked from its inputs: the
// .dockerignore rules (evaluated with Docker's own matching semantics by @balena/dockerignore) over
// the real tree plus files a developer's checkout has (.env, call records, built binaries), and
// the Dockerfile's COPY and install lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dockerignore from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const ignore = dockerignore().add(read('.dockerignore').split('\n'));
const inContext = (path: string) => !ignore.ignores(path);
const dockerfile = read('Dockerfile');

describe('the image build context', () => {
  it('never carries secrets, call records, local builds, test output or generated data', () => {
    for (const path of [
      '.env',
      '.env.local',
      'agent/.env',
      'calls/call-2026-12-05.json',
      'agent/calls/x.jsonl',
      '.tools/bin/livekit-server',
      'node_modules/pino/package.json',
      'mcp/node_modules/x/index.js',
      'web-test/dist/index.html',
      'test-artifacts/e2e/phone-call.stack.log',
      'coverage/index.html',
      'bench/.data/orders.csv',
      'stack.log',
      '.git/config',
    ])
      expect(inContext(path), path).toBe(false);
  });

  it('carries no test code, tools, benchmarks or the dev runner', () => {
    for (const path of [
      'e2e/src/harness.ts',
      'bench/voice-latency.bench.ts',
      'tools/realtime-emulator/src/main.ts',
      'tools/sip-caller/src/caller.ts',
      'stack/src/main.ts',
      'agent/src/config.test.ts',
      'web-test/src/App.test.tsx',
      'agent/src/testing/fakes.ts',
    ])
      expect(inContext(path), path).toBe(false);
  });

  it('carries what the services run', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'contracts/src/index.ts',
      'mcp/src/main.ts',
      'agent/src/main.ts',
      'agent/assets/apology.wav',
      'token-api/src/main.ts',
      'web-test/src/App.tsx',
      'sip/src/main.ts',
      'switchboard/src/main.ts',
      'switchboard/assets/line-down.wav',
      'data/orders.csv',
      'livekit.yaml',
      'tsconfig.base.json',
    ])
      expect(inContext(path), path).toBe(true);
  });
});

describe('the Dockerfile', () => {
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) =>
    m[1]!.trim().split(/\s+/).slice(0, -1),
  );

  it('copies named paths, never the whole context', () => {
    expect(copies.length).toBeGreaterThan(0);
    for (const sources of copies) for (const source of sources) expect(source).not.toBe('.');
  });

  it('copies only what the context lets in', () => {
    for (const source of copies.flat())
      expect(inContext(source.replace(/\/$/, '')), source).toBe(true);
  });

  it('installs runtime dependencies only, for product workspaces only, in the image it ships', () => {
    const app = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const install = /RUN npm ci((?:[^\n\\]|\\\n)*)/.exec(app)?.[1] ?? '';
    expect(install).toContain('--omit=dev');
    expect(install).not.toContain('--include=dev');
    const workspaces = [...install.matchAll(/--workspace=(\S+)/g)].map((m) => m[1]);
    expect(workspaces.sort()).toEqual([
      'agent',
      'contracts',
      'data',
      'mcp',
      'sip',
      'switchboard',
      'token-api',
    ]);
  });
});
