/**
 * Phone numbers: unique per customer, from fictional or drama ranges where the country has one,
 * written in the many ways real exports contain them.
 *
 * Ranges (national significant number = area + prefix + line):
 * - US/Canada: NXX-555-0100..0199 (reserved for fiction) across many area codes; only when all of
 *   a country's 555-01XX lines are taken (stores far larger than the "large" size) 555-0200..0999.
 * - UK: Ofcom drama ranges (020 7946 0xxx, 0161 496 0xxx, ...); Germany: Bundesnetzagentur drama
 *   ranges (030 23125 xxx, ...); Australia: ACMA 0x 5550 xxxx and 0x 7010 xxxx.
 * - Ireland, Spain, Nigeria: `555` exchanges; India: the well-known +91 98765 xxxxx placeholder.
 */
import type { Country } from './schema.js';
import type { Place } from './places.js';
import { phoneAreasOf } from './places.js';
import { deriveSeed, weightedTable, type Random, type WeightedTable } from './random.js';

export interface PhoneNumber {
  readonly country: Country;
  readonly callingCode: string;
  readonly area: string;
  readonly prefix: string;
  readonly line: string;
}

export function e164(number: PhoneNumber): string {
  return `+${number.callingCode}${number.area}${number.prefix}${number.line}`;
}

interface NumberRange {
  readonly prefix: string;
  readonly from: number;
  readonly size: number;
  readonly width: number;
}

const CALLING_CODES: Record<Country, string> = {
  'United States': '1',
  Canada: '1',
  'United Kingdom': '44',
  Germany: '49',
  India: '91',
  Australia: '61',
  Ireland: '353',
  Spain: '34',
  Nigeria: '234',
};

const NANP_FICTIONAL: NumberRange = { prefix: '555', from: 100, size: 100, width: 4 };
const NANP_OVERFLOW: NumberRange = { prefix: '555', from: 200, size: 800, width: 4 };

/** Ranges of one phone area, most fictional first (the first is the area's "home" range). */
function rangesOf(country: Country, area: string): readonly NumberRange[] {
  switch (country) {
    case 'United States':
    case 'Canada':
      return [NANP_FICTIONAL];
    case 'United Kingdom':
      if (area === '20') return [{ prefix: '7946', from: 0, size: 1000, width: 4 }];
      if (area === '29') return [{ prefix: '2018', from: 0, size: 1000, width: 4 }];
      if (area === '28') return [{ prefix: '9018', from: 0, size: 1000, width: 4 }];
      if (area === '191') return [{ prefix: '498', from: 0, size: 1000, width: 4 }];
      return [{ prefix: '496', from: 0, size: 1000, width: 4 }];
    case 'Germany': {
      const prefix = { '30': '23125', '40': '66969', '89': '99998', '221': '4710', '69': '90009' }[
        area
      ];
      if (prefix === undefined) throw new Error(`no phone range for Germany area ${area}`);
      return [{ prefix, from: 0, size: 1000, width: 3 }];
    }
    case 'India':
      return [{ prefix: '', from: 0, size: 100_000, width: 5 }];
    case 'Australia':
      return [
        { prefix: '5550', from: 0, size: 10_000, width: 4 },
        { prefix: '7010', from: 0, size: 10_000, width: 4 },
      ];
    case 'Ireland':
    case 'Spain':
    case 'Nigeria':
      return [{ prefix: '555', from: 0, size: 10_000, width: 4 }];
  }
}

interface Block {
  readonly country: Country;
  readonly area: string;
  readonly range: NumberRange;
  readonly stride: number;
  readonly offset: number;
  next: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export interface PhoneBook {
  /** Marks a number (E.164) as taken, so that no generated customer gets it. */
  reserve(e164Number: string): void;
  /** A new, unused number for someone living at `place`. */
  allocate(place: Place, rng: Random): PhoneNumber;
}

/**
 * Hands out unique numbers. Each range is walked in a seed-dependent permutation
 * (line = from + (k * stride + offset) mod size) so numbers look random yet never repeat.
 */
export function createPhoneBook(seed: number): PhoneBook {
  const taken = new Set<string>();
  const blocks = new Map<string, Block>();
  /** Per country, all its blocks in fallback order, and the first one that may have room. */
  const fallback = new Map<Country, { blocks: Block[]; cursor: number }>();

  function block(country: Country, area: string, range: NumberRange): Block {
    const key = `${country}|${area}|${range.prefix}|${range.from}`;
    let found = blocks.get(key);
    if (!found) {
      let stride = Math.floor(range.size * 0.381966) | 1;
      while (gcd(stride, range.size) !== 1) stride += 2;
      const offset = deriveSeed(seed, `phone:${key}`) % range.size;
      found = { country, area, range, stride, offset, next: 0 };
      blocks.set(key, found);
    }
    return found;
  }

  function take(candidate: Block): PhoneNumber | undefined {
    const { range } = candidate;
    while (candidate.next < range.size) {
      const k = candidate.next++;
      const line = range.from + ((k * candidate.stride + candidate.offset) % range.size);
      const number: PhoneNumber = {
        country: candidate.country,
        callingCode: CALLING_CODES[candidate.country],
        area: candidate.area,
        prefix: range.prefix,
        line: String(line).padStart(range.width, '0'),
      };
      const key = e164(number);
      if (!taken.has(key)) {
        taken.add(key);
        return number;
      }
    }
    return undefined;
  }

  function fallbackOf(country: Country): { blocks: Block[]; cursor: number } {
    let found = fallback.get(country);
    if (!found) {
      const areas = phoneAreasOf(country);
      const all = areas.flatMap((area) =>
        rangesOf(country, area).map((r) => block(country, area, r)),
      );
      if (country === 'United States' || country === 'Canada') {
        all.push(...areas.map((area) => block(country, area, NANP_OVERFLOW)));
      }
      found = { blocks: all, cursor: 0 };
      fallback.set(country, found);
    }
    return found;
  }

  return {
    reserve(e164Number) {
      taken.add(e164Number);
    },
    allocate(place, rng) {
      const { country } = place;
      // Some people keep the number of a city they moved away from.
      const home = rng.chance(0.12) ? rng.pick(phoneAreasOf(country)) : rng.pick(place.phoneAreas);
      const preferred = [home, ...place.phoneAreas.filter((area) => area !== home)];
      for (const area of preferred) {
        for (const range of rangesOf(country, area)) {
          const number = take(block(country, area, range));
          if (number) return number;
        }
      }
      const all = fallbackOf(country);
      while (all.cursor < all.blocks.length) {
        const candidate = all.blocks[all.cursor];
        const number = candidate ? take(candidate) : undefined;
        if (number) return number;
        all.cursor++;
      }
      throw new Error(`no phone numbers left for ${country}: too many customers`);
    },
  };
}

type Formatter = (n: PhoneNumber, rng: Random) => string;

const lineOf = (n: PhoneNumber): string => `${n.prefix}${n.line}`;

/** US numbers: national formats are fine, the store's default country is the US. */
const US_FORMATS = weightedTable<Formatter>([
  [(n) => `+1 (${n.area}) ${n.prefix}-${n.line}`, 16],
  [(n) => `${n.area}-${n.prefix}-${n.line}`, 20],
  [(n) => `(${n.area}) ${n.prefix}-${n.line}`, 12],
  [(n) => `(${n.area}) ${n.prefix} ${n.line}`, 8],
  [(n) => `${n.area}.${n.prefix}.${n.line}`, 8],
  [(n) => `${n.area}${n.prefix}${n.line}`, 8],
  [(n) => `+1 ${n.area} ${n.prefix} ${n.line}`, 6],
  [(n) => `+1-${n.area}-${n.prefix}-${n.line}`, 5],
  [(n) => `1-${n.area}-${n.prefix}-${n.line}`, 4],
  [(n) => `+1${n.area}${n.prefix}${n.line}`, 4],
  [(n, rng) => `+1 ${n.area} ${n.prefix} ${n.line} ext. ${rng.int(2, 399)}`, 3],
  [(n, rng) => `${n.area}-${n.prefix}-${n.line} x${rng.int(1, 99)}`, 3],
  [(n) => `001 ${n.area} ${n.prefix} ${n.line}`, 3],
]);

const CANADA_FORMATS = weightedTable<Formatter>([
  [(n) => `+1 ${n.area} ${n.prefix} ${n.line}`, 30],
  [(n) => `+1 (${n.area}) ${n.prefix}-${n.line}`, 30],
  [(n) => `+1-${n.area}-${n.prefix}-${n.line}`, 20],
  [(n) => `+1 ${n.area}-${n.prefix}-${n.line}`, 10],
  [(n) => `+1${n.area}${n.prefix}${n.line}`, 10],
]);

/** `+CC area prefix line`, `+CC (0)area prefix line`, `+CCareaprefixline`. */
function trunkFormats(callingCode: string): WeightedTable<Formatter> {
  return weightedTable<Formatter>([
    [(n) => `+${callingCode} ${n.area} ${n.prefix} ${n.line}`, 55],
    [(n) => `+${callingCode} (0)${n.area} ${n.prefix} ${n.line}`, 25],
    [(n) => `+${callingCode}${n.area}${lineOf(n)}`, 20],
  ]);
}

const GERMANY_FORMATS = weightedTable<Formatter>([
  [(n) => `+49 ${n.area} ${lineOf(n)}`, 50],
  [(n) => `+49 (0)${n.area} ${lineOf(n)}`, 25],
  [(n) => `+49 ${n.area} ${n.prefix} ${n.line}`, 10],
  [(n) => `+49${n.area}${lineOf(n)}`, 15],
]);

const INDIA_FORMATS = weightedTable<Formatter>([
  [(n) => `+91 ${n.area} ${n.line}`, 50],
  [(n) => `+91-${n.area}-${n.line}`, 20],
  [(n) => `+91 ${n.area}${n.line}`, 15],
  [(n) => `+91${n.area}${n.line}`, 15],
]);

const SPAIN_FORMATS = weightedTable<Formatter>([
  [(n) => `+34 ${n.area} ${n.prefix} ${n.line.slice(0, 2)} ${n.line.slice(2)}`, 45],
  [(n) => `+34 ${(n.area + lineOf(n)).replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3')}`, 35],
  [(n) => `+34${n.area}${lineOf(n)}`, 20],
]);

const FORMATS: Record<Country, WeightedTable<Formatter>> = {
  'United States': US_FORMATS,
  Canada: CANADA_FORMATS,
  'United Kingdom': trunkFormats('44'),
  Germany: GERMANY_FORMATS,
  India: INDIA_FORMATS,
  Australia: trunkFormats('61'),
  Ireland: trunkFormats('353'),
  Spain: SPAIN_FORMATS,
  Nigeria: trunkFormats('234'),
};

/** The number as a customer typed it into the shop: one of the country's usual formats. */
export function formatPhone(number: PhoneNumber, rng: Random): string {
  return rng.weighted(FORMATS[number.country])(number, rng);
}
