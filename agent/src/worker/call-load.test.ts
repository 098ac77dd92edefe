import { describe, expect, it } from 'vitest';
import { callLoad, createCallLoadFunc } from './call-load.js';

const jobs = (count: number) => ({ activeJobs: Array.from({ length: count }, () => ({})) });

describe('the load the worker reports', () => {
  it('stays below 1 while the worker has room, whatever the CPU does', async () => {
    const load = createCallLoadFunc(5);
    expect(await load(jobs(0))).toBe(0);
    expect(await load(jobs(4))).toBeCloseTo(0.8);
    // livekit-server gives a worker at load 1 no job: only a full worker may report it.
    expect(await load(jobs(4))).toBeLessThan(1);
  });

  it('is 1 once the worker holds its maximum, and never more', async () => {
    const load = createCallLoadFunc(5);
    expect(await load(jobs(5))).toBe(1);
    expect(await load(jobs(9))).toBe(1);
  });

  it('refuses a maximum that is not a positive integer', () => {
    expect(() => createCallLoadFunc(0)).toThrow(RangeError);
    expect(() => callLoad(1, 1.5)).toThrow(RangeError);
  });
});
