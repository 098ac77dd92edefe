import { describe, expect, it } from 'vitest';
import { isTakeover, takeoverDispatchMetadata } from './agent-liveness.js';
import { queueDispatchMetadata } from './queue.js';

describe('takeover dispatch metadata', () => {
  it('round-trips', () => {
    expect(isTakeover(takeoverDispatchMetadata())).toBe(true);
  });

  it('is not read into other metadata', () => {
    expect(isTakeover(undefined)).toBe(false);
    expect(isTakeover('call-recovery')).toBe(false);
    expect(isTakeover('{"takeover":"yes"}')).toBe(false);
    expect(isTakeover('{broken')).toBe(false);
    expect(isTakeover(queueDispatchMetadata({ waitedMs: 10, position: 1 }))).toBe(false);
  });
});
