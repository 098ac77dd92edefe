import { describe, expect, it } from 'vitest';
import {
  AGENT_CALL_ENDED_ATTRIBUTE,
  callEnded,
  isTakeover,
  takeoverDispatchMetadata,
} from './agent-liveness.js';
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

describe("an agent's call-ended attribute", () => {
  it('says the call ended only when set to 1', () => {
    expect(callEnded({ [AGENT_CALL_ENDED_ATTRIBUTE]: '1' })).toBe(true);
    expect(callEnded({ [AGENT_CALL_ENDED_ATTRIBUTE]: '' })).toBe(false);
    expect(callEnded({ 'voicebot.heartbeat': '3' })).toBe(false);
    expect(callEnded(undefined)).toBe(false);
  });
});
