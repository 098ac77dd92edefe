import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cfsQuotaUs,
  cgroupName,
  cgroupOwner,
  cpuHierarchies,
  createCpuCgroup,
  joinScript,
  parseCpuStat,
  removeStaleCgroups,
} from './cgroups.js';

/** A stand-in for /sys/fs/cgroup: the hierarchies' roots, apart or mounted together. */
function fakeRoot(layout: 'apart' | 'together' | 'cpu only'): string {
  const root = mkdtempSync(join(tmpdir(), 'cgroups-'));
  const hierarchy = (dir: string) => {
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'cgroup.procs'), '');
  };
  if (layout === 'together') {
    hierarchy('cpu,cpuacct');
    symlinkSync('cpu,cpuacct', join(root, 'cpu'));
    symlinkSync('cpu,cpuacct', join(root, 'cpuacct'));
  } else {
    hierarchy('cpu');
    if (layout === 'apart') hierarchy('cpuacct');
  }
  return root;
}

describe('cgroup paths', () => {
  it('turns cores into a CFS quota per 100 ms period', () => {
    expect(cfsQuotaUs(0.5)).toBe(50_000);
    expect(cfsQuotaUs(1.25)).toBe(125_000);
    expect(cfsQuotaUs(0.001)).toBe(1000);
    expect(() => cfsQuotaUs(0)).toThrow(RangeError);
    expect(() => cfsQuotaUs(Number.NaN)).toThrow(RangeError);
  });
  it('names groups after the host and their owner, never as a path', () => {
    expect(cgroupName('worker-1', 4242)).toBe('testhost-4242-worker-1');
    expect(cgroupName('../etc/x y', 7)).toBe('testhost-7-__etc_x_y');
    expect(cgroupOwner('testhost-4242-worker-1')).toBe(4242);
    expect(cgroupOwner('system.slice')).toBeUndefined();
  });
  it('finds cpu and cpuacct apart, together, or cpu alone', () => {
    const apart = fakeRoot('apart');
    expect(cpuHierarchies(apart)).toEqual([join(apart, 'cpu'), join(apart, 'cpuacct')]);
    const together = fakeRoot('together');
    expect(cpuHierarchies(together)).toEqual([join(together, 'cpu')]);
    const cpuOnly = fakeRoot('cpu only');
    expect(cpuHierarchies(cpuOnly)).toEqual([join(cpuOnly, 'cpu')]);
    expect(() => cpuHierarchies(join(apart, 'nothing'))).toThrow(/no cgroup v1 cpu controller/);
  });
  it('joins every group, then execs the command in place', () => {
    expect(joinScript(['/sys/fs/cgroup/cpu/g', '/sys/fs/cgroup/cpuacct/g'])).toBe(
      "echo $$ > '/sys/fs/cgroup/cpu/g/cgroup.procs' && echo $$ > '/sys/fs/cgroup/cpuacct/g/cgroup.procs' && exec \"$@\"",
    );
    expect(() => joinScript(["/x/it's"])).toThrow(/unsafe/);
  });
  it('reads cpu.stat', () => {
    expect(
      parseCpuStat('nr_periods 200\nnr_throttled 50\nthrottled_time 1500000000\nwait_sum 0\n'),
    ).toEqual({ periods: 200, throttledPeriods: 50, throttledSeconds: 1.5 });
    expect(parseCpuStat('')).toEqual({ periods: 0, throttledPeriods: 0, throttledSeconds: 0 });
  });
});

describe('a CPU group (on a stand-in tree)', () => {
  it('writes the quota, reads the usage and wraps a command', () => {
    const root = fakeRoot('apart');
    const group = createCpuCgroup('testhost-1-w', { cores: 0.4, root });
    const cpu = join(root, 'cpu', 'testhost-1-w');
    const acct = join(root, 'cpuacct', 'testhost-1-w');
    expect(group.dirs).toEqual([cpu, acct]);
    expect(readFileSync(join(cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('40000');
    expect(readFileSync(join(cpu, 'cpu.cfs_period_us'), 'utf8')).toBe('100000');
    // The kernel makes these files; the stand-in has none until written.
    expect(group.usageSeconds()).toBeUndefined();
    expect(group.throttling()).toBeUndefined();
    writeFileSync(join(acct, 'cpuacct.usage'), '2500000000\n');
    writeFileSync(join(cpu, 'cpu.stat'), 'nr_periods 10\nnr_throttled 4\nthrottled_time 0\n');
    writeFileSync(join(cpu, 'cgroup.procs'), '12\n34\n');
    writeFileSync(join(acct, 'cgroup.procs'), '12\n34\n');
    const fresh = createCpuCgroup('testhost-1-w', { cores: 0.4, shares: 4096, root });
    expect(readFileSync(join(cpu, 'cpu.shares'), 'utf8')).toBe('4096');
    // A shorter period: the same share of each 10 ms.
    createCpuCgroup('testhost-1-w', { cores: 0.4, periodUs: 10_000, root });
    expect(readFileSync(join(cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('4000');
    expect(readFileSync(join(cpu, 'cpu.cfs_period_us'), 'utf8')).toBe('10000');
    expect(() => createCpuCgroup('testhost-1-w', { cores: 0.4, periodUs: 500, root })).toThrow(
      RangeError,
    );
    createCpuCgroup('testhost-1-w', { cores: 0.4, root });
    expect(fresh.usageSeconds()).toBe(2.5);
    expect(fresh.throttling()).toEqual({ periods: 10, throttledPeriods: 4, throttledSeconds: 0 });
    expect(fresh.pids()).toEqual([12, 34]);
    expect(fresh.wrap('nsenter', ['-t', '9', '-n', '--', 'npm', 'start'])).toEqual({
      command: 'sh',
      args: ['-c', joinScript([cpu, acct]), 'sh', 'nsenter', '-t', '9', '-n', '--', 'npm', 'start'],
    });
  });
  it('refuses names that are paths', () => {
    const root = fakeRoot('apart');
    expect(() => createCpuCgroup('../escape', { cores: 0.5, root })).toThrow(/bad cgroup name/);
    expect(() => createCpuCgroup('', { cores: 0.5, root })).toThrow(/bad cgroup name/);
    expect(() => createCpuCgroup('g', { cores: 0.5, shares: 1, root })).toThrow(/cpu.shares/);
  });
  it('leaves live owners and busy groups alone when sweeping stale ones', () => {
    const root = fakeRoot('cpu only');
    mkdirSync(join(root, 'cpu', `testhost-${process.pid}-mine`));
    mkdirSync(join(root, 'cpu', 'testhost-999999999-gone'));
    mkdirSync(join(root, 'cpu', 'testhost-999999998-busy'));
    writeFileSync(join(root, 'cpu', 'testhost-999999998-busy', 'cgroup.procs'), '77\n');
    mkdirSync(join(root, 'cpu', 'other'));
    expect(removeStaleCgroups(root)).toEqual([join(root, 'cpu', 'testhost-999999999-gone')]);
  });
});
