import { describe, expect, it } from 'vitest';
import {
  EMAIL_MARKER,
  redactEmailText,
  redactEmails,
  redactPhoneNumbers,
  roomForLog,
} from './redact.js';

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

describe('redactEmails', () => {
  it('replaces written and spoken addresses in text, and leaves other text alone', () => {
    expect(
      redactEmailText('Mail Jane.Doe+x@Example.co.uk. Or jane dot doe at gmail dot com!'),
    ).toBe(`Mail ${EMAIL_MARKER}. Or ${EMAIL_MARKER}!`);
    expect(redactEmailText('JANE AT EXAMPLE.COM')).toBe(EMAIL_MARKER);
    expect(redactEmailText('josé.garcía@exämple.de, María arroba')).toBe(
      `${EMAIL_MARKER}, María arroba`,
    );
    const kept = 'Call me at 5 dot 30; order O9002 at the store. Refund 199.99, @home, a@b, x@y.1';
    expect(redactEmailText(kept)).toBe(kept);
  });

  it('replaces any value of a field named like email, whatever it holds', () => {
    expect(
      redactEmails({ email: 'not an address', e_mail: '', contact: { Email: ['x'] }, n: 4 }),
    ).toEqual({ email: EMAIL_MARKER, e_mail: '', contact: { Email: [EMAIL_MARKER] }, n: 4 });
  });

  it('costs one pass over long text without an address', () => {
    const started = performance.now();
    for (const text of ['a'.repeat(100_000), 'a.'.repeat(50_000), 'a@'.repeat(50_000)]) {
      expect(redactEmailText(text)).toBe(text);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('roomForLog', () => {
  it('masks the caller number the SIP bridge puts in a room name, and keeps other names', () => {
    expect(roomForLog('call-_+14155550100_x7Gk')).toBe('call-_**********00_x7Gk');
    expect(roomForLog('qa-744c2db73dcf46d382d0')).toBe('qa-744c2db73dcf46d382d0');
    expect(roomForLog(undefined)).toBeUndefined();
  });
});
