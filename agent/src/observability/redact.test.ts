import { describe, expect, it } from 'vitest';
import { redactPhoneNumbers, roomForLog } from './redact.js';

describe('redactPhoneNumbers', () => {
  it('masks phone numbers in any string of a nested value', () => {
    expect(
      redactPhoneNumbers({
        text: 'Call +1 (415) 555-0100 or 415-555-0101 ext. 22, or (212) 555 0199.',
        rows: [{ phone: '+1 415 555 0102' }, { caller_number: '4155550103' }],
        callerNumber: 'unknown',
      }),
    ).toEqual({
      text: 'Call **********00 or ********01 ext. 22, or ********99.',
      rows: [{ phone: '**********02' }, { caller_number: '********03' }],
      callerNumber: '*',
    });
  });

  it("masks the caller's own number even written as bare digits", () => {
    expect(redactPhoneNumbers('it is 4155550100 or 14155550100', ['+14155550100'])).toBe(
      'it is ********00 or *********00',
    );
  });

  it("leaves the store's dates, times, amounts and ids alone", () => {
    const value = {
      text: 'Order O9002 (TRK10001) shipped 2026-11-02T15:42:00Z, refund 199.99 USD, R7000, C5000.',
      count: 4155550100,
      ok: true,
      none: null,
    };
    expect(redactPhoneNumbers(value)).toEqual(value);
  });
});

describe('roomForLog', () => {
  it('masks the caller number the SIP bridge puts in a room name, and keeps other names', () => {
    expect(roomForLog('call-_+14155550100_x7Gk')).toBe('call-_**********00_x7Gk');
    expect(roomForLog('qa-744c2db73dcf46d382d0')).toBe('qa-744c2db73dcf46d382d0');
    expect(roomForLog(undefined)).toBeUndefined();
  });
});
