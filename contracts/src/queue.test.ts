import { describe, expect, it } from 'vitest';
import { queueDispatchMetadata, queueWaitOf } from './queue.js';

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
});
