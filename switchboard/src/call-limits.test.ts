import { describe, expect, it } from 'vitest';
import { createCallLimits, type NewCall } from './call-limits.js';

const LIMITS = {
  lineMaxCalls: 3,
  callerMaxCalls: 1,
  callerMaxNewCalls: 2,
  callerWindowMs: 60_000,
  trunkMaxNewCallsPerMinute: 5,
};

let rooms = 0;
function call(callerKey: string | undefined, trunkId = 'TR_carrier'): NewCall {
  rooms += 1;
  return { room: `call-${rooms}`, identity: `sip_${rooms}`, trunkId, callerKey };
}

function setup(limits = LIMITS) {
  let now = 1_000_000;
  const limiter = createCallLimits(limits, () => now);
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('call limits', () => {
  it('refuses a call past the line cap, and admits again when one ends', () => {
    const { limiter } = setup({ ...LIMITS, callerMaxCalls: 9, callerMaxNewCalls: 9 });
    const calls = ['a', 'b', 'c'].map((key) => call(key));
    for (const each of calls) expect(limiter.admit(each).admitted).toBe(true);
    expect(limiter.admit(call('d'))).toMatchObject({ admitted: false, reason: 'line_full' });
    limiter.end(calls[0]!.room, calls[0]!.identity);
    expect(limiter.admit(call('e')).admitted).toBe(true);
    expect(limiter.openCalls).toBe(3);
  });

  it('refuses a second open call from the same caller, not from another caller', () => {
    const { limiter } = setup();
    expect(limiter.admit(call('a')).admitted).toBe(true);
    expect(limiter.admit(call('a'))).toMatchObject({ admitted: false, reason: 'caller_busy' });
    expect(limiter.admit(call('b')).admitted).toBe(true);
  });

  it("limits one caller's new calls in the window, refused attempts included", () => {
    const { limiter, advance } = setup();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const each = call('a');
      expect(limiter.admit(each).admitted).toBe(true);
      limiter.end(each.room);
    }
    expect(limiter.admit(call('a'))).toMatchObject({ admitted: false, reason: 'caller_rate' });
    advance(30_000);
    expect(limiter.admit(call('a'))).toMatchObject({ admitted: false, reason: 'caller_rate' });
    advance(60_001);
    expect(limiter.admit(call('a')).admitted).toBe(true);
  });

  it('counts the same number on another trunk apart (another carrier, another claim)', () => {
    const { limiter } = setup();
    expect(limiter.admit(call('a', 'TR_one')).admitted).toBe(true);
    expect(limiter.admit(call('a', 'TR_two')).admitted).toBe(true);
  });

  it('limits new calls per trunk even when every call claims another number', () => {
    const { limiter, advance } = setup({ ...LIMITS, lineMaxCalls: 100 });
    for (let index = 0; index < 5; index += 1)
      expect(limiter.admit(call(`n${index}`)).admitted).toBe(true);
    expect(limiter.admit(call('fresh'))).toMatchObject({ admitted: false, reason: 'trunk_rate' });
    expect(limiter.admit(call('other', 'TR_other')).admitted).toBe(true);
    advance(60_001);
    expect(limiter.admit(call('fresh2')).admitted).toBe(true);
  });

  it('puts withheld numbers in one bucket per trunk', () => {
    const { limiter } = setup();
    expect(limiter.admit(call(undefined)).admitted).toBe(true);
    expect(limiter.admit(call(undefined))).toMatchObject({ reason: 'caller_busy' });
  });

  it('does not count a repeated join of the same caller twice', () => {
    const { limiter } = setup();
    const each = call('a');
    expect(limiter.admit(each).admitted).toBe(true);
    expect(limiter.admit(each).admitted).toBe(true);
    expect(limiter.openCalls).toBe(1);
  });

  it('adopts calls open at start without counting them as attempts', () => {
    const { limiter } = setup({ ...LIMITS, lineMaxCalls: 1 });
    limiter.adopt(call('a'));
    expect(limiter.openCalls).toBe(1);
    expect(limiter.admit(call('b'))).toMatchObject({ reason: 'line_full' });
    limiter.end('call-unknown');
  });

  it('counts testers toward the line cap only: no number, no trunk, no rates', () => {
    const { limiter } = setup();
    const tester = (n: number): NewCall => ({
      room: `qa-${n}`,
      identity: `tester-${n}`,
      trunkId: '',
      callerKey: undefined,
      kind: 'tester',
    });
    // More than callerMaxCalls, callerMaxNewCalls and the trunk rate would allow one caller.
    for (const n of [1, 2]) expect(limiter.admit(tester(n)).admitted).toBe(true);
    limiter.end('qa-1', 'tester-1');
    limiter.end('qa-2', 'tester-2');
    for (const n of [3, 4, 5]) expect(limiter.admit(tester(n)).admitted).toBe(true);
    expect(limiter.admit(tester(6))).toMatchObject({ admitted: false, reason: 'line_full' });
    expect(limiter.admit(call('a'))).toMatchObject({ admitted: false, reason: 'line_full' });
    // A phone caller without a number is not held back by the testers' sessions.
    limiter.end('qa-3', 'tester-3');
    expect(limiter.admit(call(undefined, '')).admitted).toBe(true);
    expect(limiter.isOpen('qa-4', 'tester-4')).toBe(true);
  });
});
