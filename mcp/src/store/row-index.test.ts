import { describe, expect, it } from 'vitest';
import { findRow, findRows, firstDuplicate, idKey, idOfKey, sortRows } from './row-index.js';

describe('id keys', () => {
  it('reads ids as files and callers write them, and gives them back as the store writes them', () => {
    expect(idKey('order', 'O9002')).toBe(idKey('order', ' o9002 '));
    expect(idOfKey('order', idKey('order', ' o9002 ')!)).toBe('O9002');
    expect(idOfKey('tracking', idKey('tracking', 'trk000123')!)).toBe('TRK000123');
    expect(idOfKey('customer', idKey('customer', 'C999999999999')!)).toBe('C999999999999');
  });

  it('keeps leading zeros apart and refuses what is not an id of that kind', () => {
    expect(idKey('order', 'O0012')).not.toBe(idKey('order', 'O12'));
    expect(idKey('order', 'C9002')).toBeUndefined();
    expect(idKey('order', 'O')).toBeUndefined();
    expect(idKey('order', 'O12a')).toBeUndefined();
    expect(idKey('order', 'O1234567890123')).toBeUndefined();
    expect(idKey('tracking', 'O9002')).toBeUndefined();
  });
});

describe('sorted rows', () => {
  const keys = (values: number[]) => Float64Array.from(values);

  it('sorts by key then row, leaves empty cells out, and finds single and grouped rows', () => {
    const index = sortRows(keys([30, 10, Number.NaN, 20, 10, 30]), 6);
    expect([...index.keys]).toEqual([10, 10, 20, 30, 30]);
    expect([...index.rows]).toEqual([1, 4, 3, 0, 5]);
    expect(findRow(index, 20)).toBe(3);
    expect(findRow(index, 25)).toBe(-1);
    expect([...findRows(index, 30)]).toEqual([0, 5]);
    expect([...findRows(index, 99)]).toEqual([]);
  });

  it('sorts sparse keys (packed with the row) and keys too large to pack the same way', () => {
    const sparse = 2 ** 30;
    expect([...sortRows(keys([sparse * 3, sparse, sparse * 3, 0]), 4).rows]).toEqual([3, 1, 0, 2]);
    const big = 2 ** 50;
    expect([...sortRows(keys([big * 3, big, big * 3, 0]), 4).rows]).toEqual([3, 1, 0, 2]);
  });

  it('sorts a large shuffled column like a comparator sort would', () => {
    const count = 50_000;
    let seed = 7;
    const values = Array.from({ length: count }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed % 5_000) * 16 + 4 + (seed % 3 === 0 ? 2 ** 31 : 0);
    });
    const index = sortRows(keys(values), count);
    const expected = values
      .map((key, row) => ({ key, row }))
      .sort((a, b) => a.key - b.key || a.row - b.row);
    expect([...index.rows]).toEqual(expected.map(({ row }) => row));
  });

  it('names the duplicate met first when reading the file', () => {
    expect(firstDuplicate(sortRows(keys([1, 2, 3]), 3))).toBeUndefined();
    // Rows 3 and 4 repeat keys of rows 1 and 0: row 3 is met first.
    expect(firstDuplicate(sortRows(keys([5, 7, 9, 7, 5]), 5))).toEqual([1, 3]);
  });
});
