import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_BUNDLE, AGENT_LOAD_ONLY_ENV, bundleAgent } from './services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The packages the bundle leaves to Node (agent/scripts/bundle.ts says why each). */
const LEFT_TO_NODE =
  /^(@livekit\/rtc-node|onnxruntime-node|pino|pino-pretty|fluent-ffmpeg|@ffmpeg-installer\/.+)$/;

/** The bare specifiers a bundled file imports, statically (esbuild starts those lines) or dynamically. */
function packagesImported(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^(?:import|export)\s[^'"\n]*?from\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.filter((specifier) => !specifier.startsWith('.'));
}

describe('the agent bundle the stack runs', () => {
  it('holds our code and the framework, leaves only native and path-bound packages to Node, and loads in plain Node', () => {
    bundleAgent(ROOT);
    const dist = dirname(join(ROOT, AGENT_BUNDLE));
    const files = readdirSync(dist).filter((name) => name.endsWith('.js'));
    const code = files.map((name) => readFileSync(join(dist, name), 'utf8'));
    const builtins = new Set(builtinModules);
    const imported = new Set(code.flatMap(packagesImported));
    for (const specifier of imported) {
      const name = specifier.replace(/^node:/, '');
      // Workspace packages are TypeScript sources, and a second copy of the agents framework would
      // split its state (the job context, the logger) in two: neither is left to Node.
      if (!builtins.has(name) && !builtins.has(name.split('/')[0]!))
        expect(specifier).toMatch(LEFT_TO_NODE);
    }
    expect(imported).toContain('@livekit/rtc-node');
    expect(code.join('\n')).toContain('job process warm');
    // The framework forks its processes from `./*_proc_lazy_main.js` beside its own module.
    expect(files).toEqual(
      expect.arrayContaining(['job_proc_lazy_main.js', 'inference_proc_lazy_main.js']),
    );
    expect(code.some((text) => text.includes('./job_proc_lazy_main${'))).toBe(true);
    // Silero's model sits beside its module (agent/scripts/bundle.ts copies it).
    expect(existsSync(join(dist, 'silero_vad.onnx'))).toBe(true);
    // Loading it (no command: the framework prints its usage) needs no TypeScript loader.
    const usage = execFileSync(process.execPath, [join(ROOT, AGENT_BUNDLE), '--help'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...AGENT_LOAD_ONLY_ENV },
      encoding: 'utf8',
    });
    expect(usage).toMatch(/start/);
  }, 60_000);
});
