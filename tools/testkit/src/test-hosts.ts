// Hosts for tests of more than one machine: each a network namespace of its own with its own
// address, joined to the test's namespace (the media host, STACK_IP 10.77.0.1) by a veth pair and
// routed through it. Processes run in a host with `run`; `kill` SIGKILLs every process in the
// host's namespace, as a host that loses power would (no process gets to say goodbye); `remove`
// also takes its network and CPU group away. Needs root and the test namespace (bin/in-netns.sh).
// With `cpuCores`, the host is also small: every process `run` starts is in a cgroup v1 CPU group
// of its own capped at that many cores (cgroups.ts), joined before the process starts anything.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { cgroupName, createCpuCgroup, removeStaleCgroups, type CpuCgroup } from './cgroups.js';

export interface TestHost {
  readonly name: string;
  /** The host's own address (10.77.<n>.2). */
  readonly ip: string;
  /** Starts a process inside the host, in its own process group. */
  run(
    command: string,
    args: readonly string[],
    options?: { env?: NodeJS.ProcessEnv; cwd?: string },
  ): ChildProcess;
  /** The pids of every process in the host's namespace. */
  pids(): number[];
  /**
   * SIGKILLs every process in the host, its services all at once; resolves once they are gone.
   * The host's network stays (the namespace is held by a process outside the count): had its link
   * vanished, the address the test's namespace has on it would go too, and with it any WebRTC
   * session between the media host's own services that ICE happened to pair over that address
   * (seen: callers of other hosts lost their audio). A dead machine's network does not reach into
   * the surviving ones.
   */
  kill(): Promise<void>;
  /** Kills the host's services, then removes its network and its CPU group. */
  remove(): Promise<void>;
  /** The host's CPU group, when it was made with `cpuCores`: its limit and the CPU time it used. */
  readonly cpu?: CpuCgroup;
}

export interface TestHostOptions {
  /** Caps the host at this many cores (a cgroup v1 CFS quota, e.g. 0.5); needs root. */
  cpuCores?: number;
  /** With `cpuCores`: the group's cpu.shares (weight against other work; 1024 by default). */
  cpuShares?: number;
  /** With `cpuCores`: the CFS period in µs (default the kernel's 100 ms). */
  cpuPeriodUs?: number;
}

function netnsOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * A host numbered `n` (1..250): address 10.77.n.2, its gateway 10.77.n.1 in the test's namespace.
 */
export async function createTestHost(
  name: string,
  n: number,
  options: TestHostOptions = {},
): Promise<TestHost> {
  if (process.env.IN_TEST_NETNS !== '1')
    throw new Error('test hosts live inside the test network namespace (bin/in-netns.sh)');
  // Holds the namespace open while the host's services start and stop.
  const holder = spawn('unshare', ['-n', 'sleep', 'infinity'], { stdio: 'ignore', detached: true });
  const holderPid = holder.pid!;
  const ours = netnsOf('self');
  for (let i = 0; netnsOf(holderPid) === ours || netnsOf(holderPid) === undefined; i += 1) {
    if (i > 100) throw new Error(`host ${name}: its namespace did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const namespace = netnsOf(holderPid)!;
  const outside = `h${n}a`;
  const inside = `h${n}b`;
  const hostIp = `10.77.${n}.2`;
  ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
  ip('link', 'set', inside, 'netns', String(holderPid));
  ip('addr', 'add', `10.77.${n}.1/24`, 'dev', outside);
  ip('link', 'set', outside, 'up');
  const inHost = (...args: string[]) =>
    execFileSync('nsenter', ['-t', String(holderPid), '-n', '--', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  inHost('ip', 'link', 'set', 'lo', 'up');
  inHost('ip', 'addr', 'add', `${hostIp}/24`, 'dev', inside);
  inHost('ip', 'link', 'set', inside, 'up');
  inHost('ip', 'route', 'add', 'default', 'via', `10.77.${n}.1`);
  let cpu: CpuCgroup | undefined;
  if (options.cpuCores !== undefined) {
    removeStaleCgroups();
    cpu = createCpuCgroup(cgroupName(name), {
      cores: options.cpuCores,
      ...(options.cpuShares === undefined ? {} : { shares: options.cpuShares }),
      ...(options.cpuPeriodUs === undefined ? {} : { periodUs: options.cpuPeriodUs }),
    });
  }

  const pids = () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => pid !== holderPid && netnsOf(pid) === namespace);
  const kill = async () => {
    for (let round = 0; round < 50; round += 1) {
      const left = pids();
      if (left.length === 0) return;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`host ${name}: processes survived SIGKILL`);
  };

  return {
    name,
    ip: hostIp,
    ...(cpu === undefined ? {} : { cpu }),
    run(command, args, options = {}) {
      const inNamespace = ['-t', String(holderPid), '-n', '--', command, ...args];
      const launch = cpu?.wrap('nsenter', inNamespace) ?? { command: 'nsenter', args: inNamespace };
      return spawn(launch.command, launch.args, {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    },
    pids,
    kill,
    async remove() {
      await kill();
      if (holder.exitCode === null && holder.signalCode === null) {
        holder.kill('SIGKILL');
        await new Promise((resolve) => holder.once('exit', resolve));
      }
      await cpu?.remove();
    },
  };
}
