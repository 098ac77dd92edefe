// Fixes to the agents framework's code, applied as the bundle is built (agent/scripts/bundle.ts):
// each replaces one exact piece of an installed file, and the build fails if that piece is not
// there exactly once (an upgrade changed it: look again whether the patch is still needed).
// Each is measured with `npm run bench:concurrency -- --profile` (bench/README.md).
import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FrameworkPatch {
  /** The installed file, from the package's folder. */
  file: string;
  why: string;
  find: string;
  replace: string;
}

export const FRAMEWORK_PATCHES: readonly FrameworkPatch[] = [
  {
    // @livekit/agents 1.9.0, AudioByteStream.write: the caller's audio goes to the model through
    // it, frame by frame, and it joined its buffer and the new bytes by spreading both into a
    // plain array of numbers, one element at a time. It was the top function of the job
    // processes' CPU profile under 4 calls (6.7 of 57.6 s sampled, with the profiler's overhead);
    // measured without the profiler, the agent's Node threads went from 43.6 to 40.8 % of a core
    // for 4 calls (2 runs each). Same bytes, copied with TypedArray.set.
    file: 'dist/audio.js',
    why: 'AudioByteStream.write joins typed arrays through a spread array',
    find: 'this.#buf = new Int8Array([...this.#buf, ...bytes]);',
    replace:
      'const joined = new Int8Array(this.#buf.length + bytes.length); joined.set(this.#buf); joined.set(bytes, this.#buf.length); this.#buf = joined;',
  },
  {
    // @livekit/agents 1.9.0 reads the caller's audio in 10 ms frames (rtc-node's default), and
    // every frame crosses the FFI as one event and then the framework's web streams (a tee, the
    // model's input, the recognition side) before the OpenAI plugin joins ten of them into the
    // 100 ms chunk it sends. Asking rtc-node for bigger frames (its `frameSizeMs`, assembled
    // natively) makes all of that a tenth as often. With this and the next patch the session's
    // input options carry `audioFrameSizeMs` (agent/src/call/audio-input.ts); unset, the stream
    // is as before. Measured at 4 calls (`npm run bench:concurrency -- --levels 4 --turns 6`, two
    // runs each way): the agent's Node threads 41.8-42.7 % of a core at 10 ms, 25.2-26.7 % at 100.
    file: 'dist/voice/room_io/_input.js',
    why: 'the caller audio stream takes its frame size from the session input options',
    find: `    return new AudioStream(track, {
      sampleRate: this.sampleRate,
      numChannels: this.numChannels,`,
    replace: `    return new AudioStream(track, {
      sampleRate: this.sampleRate,
      numChannels: this.numChannels,
      frameSizeMs: this.frameSizeMs,`,
  },
  {
    // The input options reach the caller's audio stream (see the patch above); it opens no stream
    // before the session sets its participant, after this.
    file: 'dist/voice/room_io/room_io.js',
    why: 'the session input options carry the caller audio frame size to the audio input',
    find: `        noiseCancellation: this.inputOptions.noiseCancellation
      });
    }`,
    replace: `        noiseCancellation: this.inputOptions.noiseCancellation
      });
      this.audioInput.frameSizeMs = this.inputOptions.audioFrameSizeMs;
    }`,
  },
];

/** `text` with `patch` applied; throws unless `patch.find` occurs exactly once. */
export function applyPatch(text: string, patch: FrameworkPatch): string {
  const at = text.indexOf(patch.find);
  if (at === -1 || text.indexOf(patch.find, at + 1) !== -1)
    throw new Error(
      `framework patch "${patch.why}": expected its code once in @livekit/agents/${patch.file}; ` +
        'the framework changed, see agent/scripts/framework-patches.ts',
    );
  return text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
}

/**
 * An esbuild plugin that applies `patches` to the framework's files (`packageDir`: its package
 * folder); the build fails if one of them was not bundled at all.
 */
export function frameworkPatches(
  packageDir: string,
  patches: readonly FrameworkPatch[] = FRAMEWORK_PATCHES,
): Plugin {
  const byPath = new Map(patches.map((patch) => [join(packageDir, patch.file), patch]));
  return {
    name: 'framework-patches',
    setup(build) {
      const applied = new Set<FrameworkPatch>();
      build.onStart(() => applied.clear());
      build.onLoad({ filter: /[\\/]@livekit[\\/]agents[\\/]dist[\\/].+\.js$/ }, async (args) => {
        const patch = byPath.get(args.path);
        if (patch === undefined) return undefined;
        applied.add(patch);
        return { contents: applyPatch(await readFile(args.path, 'utf8'), patch), loader: 'js' };
      });
      build.onEnd(() => {
        const missing = patches.filter((patch) => !applied.has(patch));
        if (missing.length > 0)
          throw new Error(
            `framework patches not applied (their files are not in the bundle): ${missing
              .map((patch) => `@livekit/agents/${patch.file}`)
              .join(', ')}`,
          );
      });
    },
  };
}
