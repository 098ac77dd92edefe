import { describe, expect, it } from 'vitest';
import { closestIds, normalizeId } from './ids.js';

describe('normalizeId', () => {
  it.each([
    ['O9002', 'O9002'],
    ['o9002', 'O9002'],
    ['  o 9002 ', 'O9002'],
    ['O-9002', 'O9002'],
    ['9002', 'O9002'],
    ['#9002', 'O9002'],
    ['９００２', 'O9002'],
  ])('reads order id %j as %s', (raw, expected) => {
    expect(normalizeId('order', raw)).toEqual({ ok: true, id: expected });
  });

  it('reads tracking numbers with their three-letter prefix', () => {
    expect(normalizeId('tracking', 'trk-10002')).toEqual({ ok: true, id: 'TRK10002' });
    expect(normalizeId('tracking', '10002')).toEqual({ ok: true, id: 'TRK10002' });
  });

  it('says when an id of another kind was given', () => {
    const result = normalizeId('order', 'P1000');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/product id, not an order id/);
    expect(normalizeId('order', 'TRK10002')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/tracking number/),
    });
  });

  it('rejects text that is no id without echoing it', () => {
    const result = normalizeId('order', 'my order please');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).not.toContain('please');
    expect(normalizeId('order', '')).toMatchObject({ ok: false });
    expect(normalizeId('order', '1'.repeat(40))).toMatchObject({ ok: false });
  });
});

describe('closestIds', () => {
  const existing = new Set(['O9002', 'O9020', 'O9012', 'O902']);
  it('finds ids one misheard, swapped, dropped or added digit away', () => {
    expect(closestIds('order', 'O9003', (id) => existing.has(id)).sort()).toEqual(['O9002']);
    expect(closestIds('order', 'O9200', (id) => existing.has(id))).toContain('O9020');
    expect(closestIds('order', 'O90002', (id) => existing.has(id))).toContain('O9002');
  });
  it('returns at most the limit and never the id itself', () => {
    const all = closestIds('order', 'O9002', (id) => existing.has(id) || id.length === 5, 3);
    expect(all.length).toBeLessThanOrEqual(3);
    expect(all).not.toContain('O9002');
  });
});
