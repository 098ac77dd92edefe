import { describe, expect, it } from 'vitest';
import { queueDispatchMetadata, queueWaitAt, queueWaitOf } from './queue.js';

describe('queue wait in dispatch metadata', () => {
  it('round-trips', () => {
    expect(queueWaitOf(queueDispatchMetadata({ waitedMs: 2_345.6, position: 2 }))).toEqual({
      waitedMs: 2_346,
      position: 2,
    });
  });

  it('reads anything else as not queued', () => {
    for (const metadata of [
      undefined,
      '',
      'call-recovery',
      '{',
      '{"queue":{"waitedMs":"5"}}',
      '{}',
    ])
      expect(queueWaitOf(metadata)).toBeUndefined();
  });

  it('counts the time a full worker held the dispatch into the wait', () => {
    const wait = queueWaitOf(
      queueDispatchMetadata({ waitedMs: 77, position: 1, dispatchedAt: 1_000_000 }),
    )!;
    expect(wait.dispatchedAt).toBe(1_000_000);
    expect(queueWaitAt(wait, 1_002_250)).toEqual({ waitedMs: 2_327, position: 1 });
    // A clock behind the switchboard's adds nothing; one far ahead adds at most 10 s.
    expect(queueWaitAt(wait, 999_000).waitedMs).toBe(77);
    expect(queueWaitAt(wait, 1_500_000).waitedMs).toBe(10_077);
    expect(queueWaitAt({ waitedMs: 5, position: 2 }, 1_500_000).waitedMs).toBe(5);
  });
});
