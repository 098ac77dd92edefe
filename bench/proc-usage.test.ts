import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendants, parseStat, sampleThreadsByName, sampleTrees } from './proc-usage.js';

describe('proc usage', () => {
  it('parses /proc/<pid>/stat even when the command name has spaces and parentheses', () => {
    const text =
      '4242 (node (job) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 11 0 1000 0 0';
    expect(parseStat(text)).toEqual({ pid: 4242, ppid: 4200, ticks: 250 + 50 + 7 + 3 });
  });

  it('finds a child process and counts its memory and CPU with the tree', async () => {
    const child = spawn('sleep', ['5']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(descendants([process.pid])).toContain(child.pid);
      const sample = sampleTrees([process.pid]);
      expect(sample.processes).toBeGreaterThanOrEqual(2);
      expect(sample.rssMb).toBeGreaterThan(10);
      expect(sample.pssMb).toBeGreaterThan(0);
      expect(sample.cpuSeconds).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });

  it('counts CPU per thread name: a busy main thread shows under node', () => {
    const before = sampleThreadsByName([process.pid]).get('node') ?? 0;
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // keep the main thread busy
    }
    const after = sampleThreadsByName([process.pid]).get('node') ?? 0;
    expect(after - before).toBeGreaterThan(0.1);
  });
});
