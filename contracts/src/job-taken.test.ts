import { describe, expect, it } from 'vitest';
import { jobTakenMetadata, takenDispatchOf } from './job-taken.js';

describe('the room metadata saying a worker took the call', () => {
  it('round-trips the dispatch id', () => {
    expect(takenDispatchOf(jobTakenMetadata('AD_abc'))).toBe('AD_abc');
  });

  it('reads nothing from empty, foreign or broken metadata', () => {
    for (const metadata of [
      undefined,
      '',
      'plain text',
      '{"other":1}',
      '{"jobTaken":{}}',
      '{"jobTaken":{"dispatchId":7}}',
      '{broken',
    ])
      expect(takenDispatchOf(metadata)).toBeUndefined();
  });
});
