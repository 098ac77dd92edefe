// Where the agent's native threads spend their CPU: `perf record` (cpu-clock samples, no hardware
// counters needed in a VM) on the agent's processes during a measured window, then `perf report`
// by thread name, by shared object and by symbol. Node's JIT-compiled JavaScript shows only as
// `[JIT]` here; the V8 profile (--profile) names it.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PerfEntry {
  name: string;
  /** Share of the samples, in percent. */
  percent: number;
}

export interface PerfSummary {
  file: string;
  /** By thread name (libwebrtc and tokio name theirs; Node's main thread is `node`). */
  threads: PerfEntry[];
  /** By shared object (`liblivekit_ffi.so` holds libwebrtc and Opus; `node` is V8 and libuv). */
  objects: PerfEntry[];
  /** By function, `object: symbol`. */
  symbols: PerfEntry[];
}

export interface PerfRecording {
  /** Stops perf, waits for its file and reports the top entries of each kind. */
  stop(top?: number): Promise<PerfSummary>;
}

/** One line of `perf report -t ';'`: "12.34%;name;..." → { name: "name ...", percent }. */
export function parsePerfReport(text: string): PerfEntry[] {
  const entries = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [share, ...fields] = line.split(';').map((field) => field.trim());
    const percent = Number(share?.replace('%', ''));
    if (!Number.isFinite(percent) || fields.length === 0) continue;
    // JIT frames are named per thread ("[JIT] tid 4242") and by address: one entry for all.
    const named = fields.map((field) =>
      field.replace(/^\[JIT\] tid \d+$/, '[JIT]').replace(/^\[\.\] /, ''),
    );
    const name = (named[0] === '[JIT]' ? named.slice(0, 1) : named).join(': ');
    entries.set(name, (entries.get(name) ?? 0) + percent);
  }
  return [...entries]
    .map(([name, percent]) => ({ name, percent: Math.round(percent * 10) / 10 }))
    .sort((a, b) => b.percent - a.percent);
}

async function report(file: string, sort: string): Promise<PerfEntry[]> {
  const { stdout } = await run(
    'perf',
    ['report', '-i', file, '--stdio', '--no-children', '--sort', sort, '-t', ';'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return parsePerfReport(stdout);
}

/** Starts sampling every thread of `pids` (all their threads, at 499 Hz) into `file`. */
export async function startPerfRecord(
  pids: readonly number[],
  file: string,
): Promise<PerfRecording> {
  const perf = spawn(
    'perf',
    ['record', '-e', 'cpu-clock', '-F', '499', '-o', file, '-p', pids.join(',')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  perf.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    perf.once('error', (error) =>
      reject(new Error(`perf could not start (apt install linux-perf): ${error.message}`)),
    );
    // perf prints nothing when it starts; a quick exit is a refusal (a pid gone, no permission).
    const timer = setTimeout(resolve, 300);
    perf.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`perf exited ${code}: ${stderr.trim()}`));
    });
  });
  return {
    async stop(top = 12) {
      if (perf.exitCode === null) {
        const exited = once(perf, 'exit');
        perf.kill('SIGINT');
        await exited;
      }
      const [threads, objects, symbols] = await Promise.all([
        report(file, 'comm'),
        report(file, 'dso'),
        report(file, 'dso,sym'),
      ]);
      return {
        file,
        threads: threads.slice(0, top),
        objects: objects.slice(0, top),
        symbols: symbols.slice(0, top),
      };
    },
  };
}
