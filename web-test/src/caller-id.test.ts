import { describe, expect, it } from 'vitest';
import { checkCallerId, maskPhone } from './caller-id';

describe('checkCallerId', () => {
  it('accepts E.164 and nothing', () => {
    expect(checkCallerId('+14155550100')).toEqual({ ok: true, value: '+14155550100' });
    expect(checkCallerId('+44 20 7946 0958')).toEqual({ ok: true, value: '+442079460958' });
    expect(checkCallerId('  ')).toEqual({ ok: true, value: undefined });
  });

  it('refuses numbers that are not E.164', () => {
    for (const input of [
      '4155550100',
      '+0123456789',
      '+12345',
      '+1415555010012345',
      '+1 415 CALL NOW',
    ])
      expect(checkCallerId(input).ok).toBe(false);
  });

  it('masks numbers like the agent does', () => {
    expect(maskPhone('+14155550100')).toBe('**********00');
  });
});
