import { describe, expect, it } from 'vitest';
import { maskPhone, toE164 } from './phone.js';

describe('toE164', () => {
  it.each([
    ['+1 (415) 555-0100', '+14155550100'],
    ['415-555-0100', '+14155550100'],
    ['(415) 555 0100', '+14155550100'],
    ['415.555.0100', '+14155550100'],
    ['4155550100', '+14155550100'],
    ['+1 415 555 0100 ext. 12', '+14155550100'],
    ['415-555-0100 x7', '+14155550100'],
    ['001 415 555 0100', '+14155550100'],
    ['+44 (0)20 7946 0123', '+442079460123'],
    ['0044 20 7946 0123', '+442079460123'],
    ['+49 30 12345678', '+493012345678'],
    ['+91 98765 43210', '+919876543210'],
  ])('normalizes %j', (raw, e164) => {
    expect(toE164(raw, 'US')).toBe(e164);
  });

  it('reads national numbers in the default country', () => {
    expect(toE164('020 7946 0123', 'GB')).toBe('+442079460123');
  });

  it('rejects what is not a phone number', () => {
    expect(toE164('hello', 'US')).toBeUndefined();
    expect(toE164('12', 'US')).toBeUndefined();
    expect(toE164('', 'US')).toBeUndefined();
  });
});

describe('maskPhone', () => {
  it('keeps only the last two digits', () => {
    expect(maskPhone('+14155550100')).toBe('**********00');
  });
});
