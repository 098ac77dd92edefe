import { describe, expect, it } from 'vitest';
import { createRetryTimer, retryDelay, withDeadline } from './retry.js';

describe('retryDelay', () => {
  it('steps through the delays and repeats the last one', () => {
    const delays = [250, 500, 1_000];
    expect([0, 1, 2, 3, 9].map((failed) => retryDelay(delays, failed))).toEqual([
      250, 250, 500, 1_000, 1_000,
    ]);
  });
});

describe('createRetryTimer', () => {
  it('keeps one retry pending at a time, and cancel drops it', async () => {
    const timer = createRetryTimer();
    const runs: string[] = [];
    timer.schedule(10, () => runs.push('first'));
    timer.schedule(0, () => runs.push('second'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toEqual(['first']);
    timer.schedule(10, () => runs.push('third'));
    timer.cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toEqual(['first']);
  });
});

describe('withDeadline', () => {
  it('passes a prompt result through and rejects a late one', async () => {
    await expect(withDeadline(Promise.resolve('ok'), 50)).resolves.toBe('ok');
    const late = new Promise((resolve) => setTimeout(resolve, 200, 'late'));
    await expect(withDeadline(late, 10)).rejects.toThrow('connect deadline');
  });
});
