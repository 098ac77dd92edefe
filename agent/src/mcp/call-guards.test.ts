import { describe, expect, it } from 'vitest';
import { canonicalArgs, createIdenticalCallLimit, normalizeCallerNumber } from './call-guards.js';

describe('canonicalArgs', () => {
  it('ignores key order, case, surrounding spaces and empty values', () => {
    expect(canonicalArgs({ b: ' O9002 ', a: null, c: undefined, d: ['X'] })).toBe(
      canonicalArgs({ d: ['x'], b: 'o9002' }),
    );
    expect(canonicalArgs(undefined)).toBe('{}');
  });
});

describe('createIdenticalCallLimit', () => {
  it('allows the same call max times, then refuses it; other arguments count apart', () => {
    const limit = createIdenticalCallLimit(2);
    expect(limit.allows('get_order_status', { order_id: 'O9002' })).toBe(true);
    expect(limit.allows('get_order_status', { order_id: ' o9002' })).toBe(true);
    expect(limit.allows('get_order_status', { order_id: 'O9002' })).toBe(false);
    expect(limit.allows('get_order_status', { order_id: 'O9001' })).toBe(true);
    expect(limit.allows('get_return_status', { order_id: 'O9002' })).toBe(true);
  });
});

describe('normalizeCallerNumber', () => {
  it('keeps E.164 numbers, compacting separators, and drops anything else', () => {
    expect(normalizeCallerNumber('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizeCallerNumber('+14155550100')).toBe('+14155550100');
    expect(normalizeCallerNumber('anonymous')).toBeUndefined();
    expect(normalizeCallerNumber('4155550100')).toBeUndefined();
    expect(normalizeCallerNumber(undefined)).toBeUndefined();
  });
});
