// CPU limits for test hosts: a cgroup v1 group per host in the `cpu` hierarchy (a CFS quota per
// period: 50000 µs of every 100000 µs is half a core, whatever number of processes share it) and
// in `cpuacct` (the CPU time the group used, for benchmarks). Controllers may be mounted apart
// (/sys/fs/cgroup/cpu and /sys/fs/cgroup/cpuacct) or together (cpu,cpuacct, with symlinks): a
// group is made in each distinct hierarchy. A process joins with its pid in `cgroup.procs`, and
// its children inherit the group, so a host's launcher joins before it starts anything (`wrap`).
// Needs root.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';
/**
 * Default CFS period of a group made here: the kernel's, and Kubernetes' with CPU limits. A host
 * at 0.3 core on it runs 30 ms and may then stand still for 70 ms; `periodUs` shortens that.
 */
export const CFS_PERIOD_US = 100_000;
/** Groups made by test hosts start with this; the pid of their owner follows. */
export const CGROUP_PREFIX = 'testhost-';

export interface CpuCgroup {
  /** The group's name in each hierarchy. */
  readonly name: string;
  readonly cores: number;
  /** The group's directories: the cpu hierarchy's first, then cpuacct's if apart. */
  readonly dirs: readonly string[];
  /** CPU time used by every process that ever ran in the group (cpuacct.usage), in seconds. */
  usageSeconds(): number | undefined;
  /** How often the quota stopped the group (cpu.stat). */
  throttling(): CpuThrottling | undefined;
  /** The pids in the group now. */
  pids(): number[];
  /**
   * `command args` as a command that first moves itself into the group, then execs (same pid),
   * so everything it starts is in the group from its first instruction.
   */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Removes the group (its processes must be gone); retries while the kernel still counts them. */
  remove(): Promise<void>;
}

export interface CpuThrottling {
  periods: number;
  throttledPeriods: number;
  throttledSeconds: number;
}

/** The quota (µs per CFS_PERIOD_US) that caps a group at `cores`; at least 1 ms, as the kernel asks. */
export function cfsQuotaUs(cores: number, periodUs = CFS_PERIOD_US): number {
  if (!Number.isFinite(cores) || cores <= 0)
    throw new RangeError(`a CPU limit must be a positive number of cores (got ${cores})`);
  return Math.max(1000, Math.round(cores * periodUs));
}

/** A group name for host `host` of process `ownerPid`: only [A-Za-z0-9_.-], never a path. */
export function cgroupName(host: string, ownerPid: number = process.pid): string {
  const safe = host.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  if (safe === '') throw new Error('a cgroup needs a name');
  return `${CGROUP_PREFIX}${ownerPid}-${safe}`;
}

/** The owner pid in a group name made by `cgroupName`, if it is one. */
export function cgroupOwner(name: string): number | undefined {
  const match = new RegExp(`^${CGROUP_PREFIX}(\\d+)-`).exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The hierarchies a CPU group lives in: `cpu`, and `cpuacct` unless it is the same directory
 * (mounted together). Missing ones are left out; `cpu` is required.
 */
export function cpuHierarchies(root: string = CGROUP_ROOT): string[] {
  const cpu = join(root, 'cpu');
  if (!existsSync(join(cpu, 'cgroup.procs')))
    throw new Error(`no cgroup v1 cpu controller at ${cpu}`);
  const acct = join(root, 'cpuacct');
  if (!existsSync(join(acct, 'cgroup.procs'))) return [cpu];
  return realpathSync(acct) === realpathSync(cpu) ? [cpu] : [cpu, acct];
}

/** The shell line that moves the shell into each group, then runs the command in its place. */
export function joinScript(dirs: readonly string[]): string {
  for (const dir of dirs)
    if (/['\n]/.test(dir)) throw new Error(`unsafe cgroup path ${JSON.stringify(dir)}`);
  return [...dirs.map((dir) => `echo $$ > '${join(dir, 'cgroup.procs')}'`), 'exec "$@"'].join(
    ' && ',
  );
}

/** cpu.stat's counters (nr_periods, nr_throttled, throttled_time in ns). */
export function parseCpuStat(text: string): CpuThrottling {
  const fields = new Map(
    text
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length === 2)
      .map(([key, value]) => [key!, Number(value)]),
  );
  return {
    periods: fields.get('nr_periods') ?? 0,
    throttledPeriods: fields.get('nr_throttled') ?? 0,
    throttledSeconds: (fields.get('throttled_time') ?? 0) / 1e9,
  };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readPids = (dir: string): number[] => {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
  } catch {
    return [];
  }
};

/**
 * Removes empty test-host groups whose owner process is gone (a benchmark killed with SIGKILL
 * cannot remove its own); groups with processes in them are left alone.
 */
export function removeStaleCgroups(root: string = CGROUP_ROOT): string[] {
  const removed: string[] = [];
  for (const hierarchy of cpuHierarchies(root)) {
    for (const entry of readdirSync(hierarchy)) {
      const owner = cgroupOwner(entry);
      if (owner === undefined || isAlive(owner)) continue;
      const dir = join(hierarchy, entry);
      if (readPids(dir).length > 0) continue;
      try {
        rmdirSync(dir);
        removed.push(dir);
      } catch {
        // a fake tree (tests) has files in it; a real group may be busy: leave it
      }
    }
  }
  return removed;
}

export interface CpuCgroupOptions {
  /** The cap, in cores (CFS quota per period). */
  cores: number;
  /**
   * cpu.shares, the group's weight when the machine is busy (a process outside any group weighs
   * 1024): above that, the group gets its quota even on a machine other work keeps busy, as a
   * host of that size would. Default: the kernel's (1024).
   */
  shares?: number;
  /** The CFS period in µs (1,000-1,000,000; default CFS_PERIOD_US). */
  periodUs?: number;
  /** Where the hierarchies are mounted (default /sys/fs/cgroup). */
  root?: string;
}

/** Makes (or takes over) the group `name` capped at `cores`, in every CPU hierarchy. */
export function createCpuCgroup(name: string, options: CpuCgroupOptions): CpuCgroup {
  const { cores, shares, periodUs = CFS_PERIOD_US, root = CGROUP_ROOT } = options;
  if (!Number.isInteger(periodUs) || periodUs < 1000 || periodUs > 1_000_000)
    throw new RangeError(`the CFS period must be 1000-1000000 µs (got ${periodUs})`);
  const quota = cfsQuotaUs(cores, periodUs);
  if (shares !== undefined && (!Number.isInteger(shares) || shares < 2 || shares > 262_144))
    throw new RangeError(`cpu.shares must be an integer from 2 to 262144 (got ${shares})`);
  if (name.includes('/') || name === '' || name.startsWith('.'))
    throw new Error(`bad cgroup name ${JSON.stringify(name)}`);
  const dirs = cpuHierarchies(root).map((hierarchy) => join(hierarchy, name));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  const [cpu] = dirs as [string];
  writeFileSync(join(cpu, 'cpu.cfs_period_us'), String(periodUs));
  writeFileSync(join(cpu, 'cpu.cfs_quota_us'), String(quota));
  if (shares !== undefined) writeFileSync(join(cpu, 'cpu.shares'), String(shares));
  const acct = dirs.find((dir) => existsSync(join(dir, 'cpuacct.usage')));
  const pids = () => [...new Set(dirs.flatMap(readPids))];
  return {
    name,
    cores,
    dirs,
    usageSeconds() {
      if (acct === undefined) return undefined;
      try {
        return Number(readFileSync(join(acct, 'cpuacct.usage'), 'utf8').trim()) / 1e9;
      } catch {
        return undefined;
      }
    },
    throttling() {
      try {
        return parseCpuStat(readFileSync(join(cpu, 'cpu.stat'), 'utf8'));
      } catch {
        return undefined;
      }
    },
    pids,
    wrap(command, args) {
      return { command: 'sh', args: ['-c', joinScript(dirs), 'sh', command, ...args] };
    },
    async remove() {
      for (let attempt = 0; ; attempt += 1) {
        for (const pid of pids()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        const left = dirs.filter((dir) => existsSync(dir));
        if (left.length === 0) return;
        try {
          for (const dir of left) rmdirSync(dir);
          return;
        } catch (error) {
          if (attempt >= 50) throw new Error(`cgroup ${name}: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}

/** Whether this machine can make CPU groups here (root and a cgroup v1 cpu hierarchy). */
export function cpuCgroupsAvailable(root: string = CGROUP_ROOT): boolean {
  try {
    cpuHierarchies(root);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}
