import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { AudioByteStream, initializeLogger } from '@livekit/agents';
import { applyPatch, FRAMEWORK_PATCHES, frameworkPatches } from './framework-patches.js';

/** What the test takes from each copy of the framework. */
interface FrameworkAudio {
  AudioByteStream: typeof AudioByteStream;
  initializeLogger: typeof initializeLogger;
}

const AGENT_DIR = fileURLToPath(new URL('../', import.meta.url));
const FRAMEWORK_DIR = dirname(
  dirname(createRequire(join(AGENT_DIR, 'package.json')).resolve('@livekit/agents')),
);
const SCRATCH = join(AGENT_DIR, 'dist', `patch-check-${process.pid}`);

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('framework patches', () => {
  it('each finds its code exactly once in the installed framework', () => {
    for (const patch of FRAMEWORK_PATCHES) {
      const text = readFileSync(join(FRAMEWORK_DIR, patch.file), 'utf8');
      expect(applyPatch(text, patch)).toContain(patch.replace);
    }
  });

  it('refuses code that is not there, or there twice', () => {
    const patch = { file: 'x.js', why: 'test', find: 'old();', replace: 'new();' };
    expect(applyPatch('a(); old(); b();', patch)).toBe('a(); new(); b();');
    expect(() => applyPatch('a();', patch)).toThrow(/expected its code once/);
    expect(() => applyPatch('old(); old();', patch)).toThrow(/expected its code once/);
  });

  it('leaves AudioByteStream framing the same bytes into the same frames', async () => {
    // The framework's own modules bundled twice, as installed and patched (its dependencies left
    // to Node), then fed the same chunks of odd sizes.
    mkdirSync(SCRATCH, { recursive: true });
    const onlyTheFramework: Plugin = {
      name: 'only-the-framework',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path === '@livekit/agents' ? undefined : { path: args.path, external: true },
        );
      },
    };
    const load = async (name: string, patches: Plugin[]) => {
      const result = await build({
        stdin: {
          contents: "export { AudioByteStream, initializeLogger } from '@livekit/agents';",
          resolveDir: AGENT_DIR,
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        plugins: [onlyTheFramework, ...patches],
      });
      const path = join(SCRATCH, `${name}.mjs`);
      writeFileSync(path, result.outputFiles[0]!.contents);
      return (await import(pathToFileURL(path).href)) as FrameworkAudio;
    };
    const original = await load('original', []);
    const patched = await load('patched', [frameworkPatches(FRAMEWORK_DIR)]);
    // esbuild prints the code anew: the patched statements, one per line.
    expect(readFileSync(join(SCRATCH, 'patched.mjs'), 'utf8')).toContain('joined.set(bytes');
    expect(readFileSync(join(SCRATCH, 'original.mjs'), 'utf8')).not.toContain('joined.set(bytes');

    const framesOf = (module: FrameworkAudio) => {
      module.initializeLogger({ pretty: false, level: 'fatal' });
      const stream = new module.AudioByteStream(24_000, 1, 480);
      const frames: number[][] = [];
      let seed = 7;
      for (let chunk = 0; chunk < 200; chunk += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        const bytes = new Uint8Array(1 + (seed % 3_000)).map((_, i) => (seed + i * 31) % 256);
        // A view into a larger buffer, as Node's pooled Buffers are.
        const view = new Uint8Array(bytes.length + 16);
        view.set(bytes, 8);
        for (const frame of stream.write(view.subarray(8, 8 + bytes.length)))
          frames.push([frame.samplesPerChannel, ...frame.data]);
      }
      return frames;
    };
    const expected = framesOf(original);
    expect(expected.length).toBeGreaterThan(100);
    expect(framesOf(patched)).toEqual(expected);
  }, 60_000);
});
