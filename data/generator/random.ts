/**
 * Seeded pseudo-random numbers (mulberry32) and the helpers the generator draws with.
 * Every generator instance owns its own state: no module-level randomness, no Math.random().
 */

/** A pre-computed table for weighted picks (build once, draw many times). */
export interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly cumulative: readonly number[];
  readonly total: number;
}

export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One value of a weighted table, proportionally to its weight. */
  weighted<T>(table: WeightedTable<T>): T;
  /** An index in [0, n) biased towards 0: floor(n * u^exponent). exponent 1 is uniform. */
  skewed(n: number, exponent: number): number;
}

/** mulberry32: a tiny, fast 32-bit PRNG with good statistical quality for test data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string (stable across platforms). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * An independent seed for one part of the store (customers, products, ...), so that changing
 * how many rows one part has does not reshuffle the others.
 */
export function deriveSeed(seed: number, label: string): number {
  return hashString(`${seed}:${label}`);
}

export function weightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [value, weight] of entries) {
    if (!(weight > 0)) throw new Error(`weightedTable: weight must be positive, got ${weight}`);
    total += weight;
    values.push(value);
    cumulative.push(total);
  }
  if (values.length === 0) throw new Error('weightedTable: no entries');
  return { values, cumulative, total };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  return {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick: empty list');
      return item;
    },
    weighted(table) {
      const target = next() * table.total;
      const { cumulative, values } = table;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? Infinity) > target) hi = mid;
        else lo = mid + 1;
      }
      const value = values[lo];
      if (value === undefined) throw new Error('weighted: empty table');
      return value;
    },
    skewed(n, exponent) {
      return Math.min(n - 1, Math.floor(n * next() ** exponent));
    },
  };
}
