import { describe, expect, it } from 'vitest';
import { isE164, maskPhone } from './phone.js';

describe('isE164', () => {
  it('accepts + and 7 to 15 digits with a non-zero first digit', () => {
    for (const ok of ['+14155550100', '+15550100', '+1234567', '+123456789012345'])
      expect(isE164(ok)).toBe(true);
  });

  it('refuses national, short, long, zero-led and formatted numbers', () => {
    for (const bad of [
      '14155550100',
      '+123456',
      '+1234567890123456',
      '+0415555010',
      '+1 415 555 0100',
      '',
    ])
      expect(isE164(bad)).toBe(false);
  });
});

describe('maskPhone', () => {
  it('keeps the last two digits and the length of the compact number', () => {
    expect(maskPhone('+14155550100')).toBe('**********00');
    expect(maskPhone('+1 (415) 555-0100')).toBe('**********00');
  });

  it('masks too-short strings entirely', () => {
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('')).toBe('*');
  });
});
