// Bundles the agent worker into agent/dist/ (`npm run bundle -w agent`): our code AND the agents
// framework's, with the framework's job-process entry beside ours. Every call runs in a new Node
// process (the framework's process per job) that loads the framework and the worker before it can
// take its call; from the installed packages that is some 1,600 files to resolve and read, about
// 1.1 CPU-seconds, and from this bundle's few files about 0.45 (npm run bench:job-start). On a
// small box a process warms for the next call while calls are up, so this is CPU taken from them.
//
// How it fits together: the framework forks `./job_proc_lazy_main.js` (and its inference process,
// `./inference_proc_lazy_main.js`) relative to its own module (ipc/*_executor.js), which in the
// bundle is a chunk in dist/, so those entries are built into dist/ under those names. Both entries share the framework through common chunks (ESM code
// splitting), so a job process has one copy of it, as the framework expects.
//
// Left to Node (external): native addons, and CommonJS packages that find their own files from
// __dirname (fluent-ffmpeg) or load workers by path (pino's transports).
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { frameworkPatches } from './framework-patches.js';

const AGENT_DIR = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = join(AGENT_DIR, 'dist');
const require = createRequire(import.meta.url);
/** The framework's dist/ folder (its package exports hide the job-process entry). */
const FRAMEWORK_DIST = dirname(require.resolve('@livekit/agents'));
const SILERO_DIST = dirname(require.resolve('@livekit/agents-plugin-silero'));

const EXTERNAL = [
  '@livekit/rtc-node',
  'onnxruntime-node',
  'pino',
  'pino-pretty',
  'fluent-ffmpeg',
  '@ffmpeg-installer/*',
];

/** Output path in dist/ (without .js) → source. */
const ENTRIES: Record<string, string> = {
  main: join(AGENT_DIR, 'src/main.ts'),
  job_proc_lazy_main: join(FRAMEWORK_DIST, 'ipc/job_proc_lazy_main.js'),
  inference_proc_lazy_main: join(FRAMEWORK_DIST, 'ipc/inference_proc_lazy_main.js'),
  // The inference process imports its runners by path (worker.js registers the local
  // end-of-turn runner whenever @livekit/local-inference is installed).
  'inference/eot/runner': join(FRAMEWORK_DIST, 'inference/eot/runner.js'),
};

const result = await build({
  entryPoints: ENTRIES,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  // Workspace packages are TypeScript sources: plain Node cannot load them.
  alias: { '@ecommerce-voicebot/contracts': join(AGENT_DIR, '../contracts/src/index.ts') },
  // CommonJS code inside an ESM bundle still calls require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Fixes to the framework's own code, each measured (framework-patches.ts).
  plugins: [frameworkPatches(dirname(FRAMEWORK_DIST))],
  outdir: OUT_DIR,
  write: false,
  logLevel: 'warning',
});

// Each file is written aside and renamed into place, chunks before the entries that import them: a
// worker host starting beside another (same tree) rebuilds while the other's job processes load.
mkdirSync(OUT_DIR, { recursive: true });
const entries = new Set(Object.keys(ENTRIES).map((name) => join(OUT_DIR, `${name}.js`)));
const files = [...result.outputFiles].sort(
  (a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)),
);
for (const file of files) {
  mkdirSync(dirname(file.path), { recursive: true });
  const aside = `${file.path}.${process.pid}.tmp`;
  writeFileSync(aside, file.contents);
  renameSync(aside, file.path);
}
// The Silero VAD model sits beside the plugin's module, which is now a chunk here.
const model = join(OUT_DIR, 'silero_vad.onnx');
copyFileSync(join(SILERO_DIST, 'silero_vad.onnx'), `${model}.${process.pid}.tmp`);
renameSync(`${model}.${process.pid}.tmp`, model);
// Chunks of an earlier source (their names are content hashes) go.
const current = new Set(files.map((file) => basename(file.path)));
for (const name of readdirSync(OUT_DIR))
  if (name.endsWith('.js') && !current.has(name)) rmSync(join(OUT_DIR, name), { force: true });
