// CPU time and memory of process trees, read from /proc (Linux): the stack's services and every
// process they started (tsx's node child, the agent's forked job processes).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcSample {
  /** Seconds of CPU (user + system), including reaped children's, summed over the tree. */
  cpuSeconds: number;
  rssMb: number;
  /** Proportional set size: shared pages split between the processes sharing them. */
  pssMb: number;
  processes: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??=
    Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
}

/** A /proc stat line: the command name (which may contain spaces) and field n (1-based). */
function splitStat(text: string): { name: string; field: (n: number) => number } {
  const close = text.lastIndexOf(')');
  // rest[0] is field 3 (state).
  const rest = text.slice(close + 2).split(' ');
  return { name: text.slice(text.indexOf('(') + 1, close), field: (n) => Number(rest[n - 3]) };
}

/** Fields of /proc/<pid>/stat after the command name. */
export function parseStat(text: string): Stat {
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const { field } = splitStat(text);
  // ppid is field 4; utime, stime, cutime, cstime are fields 14-17.
  return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
}

function readStats(): Map<number, Stat> {
  const stats = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      stats.set(stat.pid, stat);
    } catch {
      // exited meanwhile
    }
  }
  return stats;
}

/** Every process under the roots (roots included). */
export function descendants(roots: readonly number[], stats = readStats()): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats.values()) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const queue = roots.filter((pid) => stats.has(pid));
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function memory(pid: number): { rssKb: number; pssKb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: kb('Rss'), pssKb: kb('Pss') };
  } catch {
    return { rssKb: 0, pssKb: 0 };
  }
}

/** CPU and memory of the trees under `roots` right now. */
export function sampleTrees(roots: readonly number[]): ProcSample {
  const stats = readStats();
  const pids = descendants(roots, stats);
  let ticks = 0;
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of pids) {
    ticks += stats.get(pid)!.ticks;
    const mem = memory(pid);
    rssKb += mem.rssKb;
    pssKb += mem.pssKb;
  }
  return {
    cpuSeconds: ticks / clockTicks(),
    rssMb: rssKb / 1024,
    pssMb: pssKb / 1024,
    processes: pids.length,
  };
}

/**
 * CPU seconds per thread name over the trees under `roots` (threads that exited are not counted).
 * Node's own threads are all named "node"; native libraries name theirs (libwebrtc's
 * "network_thread", "AudioEncoder", rtc-node's "tokio-rt-worker", ...).
 */
export function sampleThreadsByName(roots: readonly number[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of descendants(roots)) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const { name, field } = splitStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        // The thread's own utime + stime (its cutime/cstime are the whole process's).
        byName.set(name, (byName.get(name) ?? 0) + (field(14) + field(15)) / clockTicks());
      } catch {
        // exited meanwhile
      }
    }
  }
  return byName;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, v) => sum + v, 0);
  return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
}
