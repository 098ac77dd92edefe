import { describe, expect, it } from 'vitest';
import { createModelRecovery, RETRY_INSTRUCTIONS } from './model-recovery.js';

function setup(maxRetries = 2) {
  const replies: string[] = [];
  const warnings: unknown[] = [];
  let gaveUp = 0;
  const timers: Array<{ at: number; fn: () => void; cleared: boolean }> = [];
  let now = 0;
  const recovery = createModelRecovery({
    session: { generateReply: ({ instructions }) => replies.push(instructions) },
    logger: {
      warn: (o: unknown) => warnings.push(o),
      error: () => undefined,
      info: () => undefined,
    } as never,
    onGiveUp: () => gaveUp++,
    maxRetries,
    settleMs: 300,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => void ((t as { cleared: boolean }).cleared = true),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => !x.cleared && x.at <= now)) {
      t.cleared = true;
      t.fn();
    }
  };
  return { recovery, replies, warnings, advance, gaveUp: () => gaveUp };
}

describe('createModelRecovery', () => {
  it('answers one failure (several reports) with one spoken retry', () => {
    const { recovery, replies, advance } = setup();
    recovery.onTrouble({ kind: 'server_error', detail: 'boom' });
    recovery.onTrouble({ kind: 'response_failed', detail: 'server_error' });
    advance(299);
    expect(replies).toEqual([]);
    advance(1);
    expect(replies).toEqual([RETRY_INSTRUCTIONS]);
  });

  it('retries incomplete, refused and dropped answers; only logs rate limits and expiry', () => {
    const { recovery, replies, warnings, advance } = setup(5);
    for (const trouble of [
      { kind: 'response_incomplete', reason: 'content_filter' },
      { kind: 'busy' },
      { kind: 'dropped_mid_response' },
    ] as const) {
      recovery.onTrouble(trouble);
      advance(300);
    }
    expect(replies).toHaveLength(3);
    recovery.onTrouble({ kind: 'rate_limited', remaining: { requests: 0 } });
    recovery.onTrouble({ kind: 'session_expired' });
    advance(1000);
    expect(replies).toHaveLength(3);
    expect(warnings).toHaveLength(8); // 3 troubles, 3 retries, rate limits, expiry
  });

  it('gives up after maxRetries failures in a row; a completed answer resets the count', () => {
    const { recovery, replies, advance, gaveUp } = setup(2);
    const fail = () => {
      recovery.onTrouble({ kind: 'response_failed', detail: 'x' });
      advance(300);
    };
    fail();
    fail();
    recovery.onCompleted();
    fail();
    fail();
    expect(replies).toHaveLength(4);
    expect(gaveUp()).toBe(0);
    fail();
    expect(replies).toHaveLength(4);
    expect(gaveUp()).toBe(1);
  });
});
