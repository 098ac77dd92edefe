// Reads V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per process) and says where the time
// went: self time per function and per package, summed over the profiles given. Used by
// `npm run bench:concurrency -- --profile` for the agent's job processes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface TopEntry {
  name: string;
  self_ms: number;
  /** Share of the profiles' busy time (all sampled time but idle). */
  percent: number;
}

/** A bundle's file → for each line (0-based), the source module esbuild put there, if it says. */
export type BundleIndex = (url: string) => ((line: number) => string | undefined) | undefined;

/**
 * Reads esbuild's `// <path>` comments, which open each module's code in an unminified bundle: a
 * frame in a bundle chunk is then named by its original package, not by the chunk.
 */
export function bundleIndex(
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): BundleIndex {
  const cache = new Map<string, ((line: number) => string | undefined) | undefined>();
  return (url) => {
    if (!/\/agent\/dist\/[^/]+\.js$/.test(url)) return undefined;
    if (!cache.has(url)) {
      let starts: { line: number; module: string }[] = [];
      try {
        starts = readFile(fileURLToPath(url))
          .split('\n')
          .flatMap((text, line) => {
            const module = /^\/\/ ((?:\.\.\/)*[\w@][^\s]*\.[cm]?[jt]sx?)$/.exec(text)?.[1];
            return module === undefined ? [] : [{ line, module }];
          });
      } catch {
        // Gone since (rebuilt): the chunk's name is all there is.
      }
      cache.set(url, (line) => starts.findLast((start) => start.line <= line)?.module);
    }
    return cache.get(url);
  };
}

/** Where a frame's code comes from: its package (through a bundle's index), Node, or V8 itself. */
export function sourceOf(
  frame: ProfileNode['callFrame'],
  index: BundleIndex = () => undefined,
): string {
  const { url, functionName, lineNumber } = frame;
  const path = index(url)?.(lineNumber) ?? url;
  const installed = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (installed) return installed[1]!;
  if (path.startsWith('node:')) return 'node (builtin)';
  if (path === '') return functionName.startsWith('(') ? functionName : 'native';
  if (/^(?:\.\.\/)*contracts\//.test(path)) return 'ours (contracts)';
  if (/^src\//.test(path)) return 'ours (agent)';
  return path.split('/').slice(-2).join('/');
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  return self;
}

/** The top `count` functions and sources by self time over all `profiles`. */
export function topEntries(
  profiles: readonly CpuProfile[],
  count = 15,
  index: BundleIndex = () => undefined,
): { total_ms: number; idle_ms: number; functions: TopEntry[]; sources: TopEntry[] } {
  const functions = new Map<string, number>();
  const sources = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    for (const [id, us] of selfTimes(profile)) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined) continue;
      total += us;
      if (frame.functionName === '(idle)') {
        idle += us;
        continue;
      }
      const source = sourceOf(frame, index);
      const name = `${frame.functionName || '(anonymous)'} [${source}]`;
      functions.set(name, (functions.get(name) ?? 0) + us);
      sources.set(source, (sources.get(source) ?? 0) + us);
    }
  }
  const top = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => ({
        name,
        self_ms: Math.round(us / 1000),
        percent: total === idle ? 0 : Number(((100 * us) / (total - idle)).toFixed(1)),
      }));
  return {
    total_ms: Math.round(total / 1000),
    idle_ms: Math.round(idle / 1000),
    functions: top(functions),
    sources: top(sources),
  };
}

/** Whether a profile ran one of our calls (a job process that took a call, not one only warm). */
export function ranACall(profile: CpuProfile): boolean {
  return profile.nodes.some((node) => node.callFrame.functionName === 'runCall');
}

export function readProfiles(dir: string): CpuProfile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile);
}
