// Identifiers as callers say them: "o 9002", "O-9002", "9002" all mean O9002 for an order.

export type IdKind = 'customer' | 'product' | 'order' | 'tracking' | 'return';

export const ID_PREFIX: Readonly<Record<IdKind, string>> = Object.freeze({
  customer: 'C',
  product: 'P',
  order: 'O',
  tracking: 'TRK',
  return: 'R',
});

const ID_LABEL: Readonly<Record<IdKind, string>> = Object.freeze({
  customer: 'customer id',
  product: 'product id',
  order: 'order id',
  tracking: 'tracking number',
  return: 'return id',
});

export const MAX_ID_DIGITS = 12;

export type NormalizedId = { ok: true; id: string } | { ok: false; message: string };

const SEPARATORS = /[\s\-_.#/]+/g;

/** Prefix first: TRK must be tried before the one-letter prefixes it could be confused with. */
const KINDS_BY_PREFIX_LENGTH = (Object.keys(ID_PREFIX) as IdKind[]).sort(
  (a, b) => ID_PREFIX[b].length - ID_PREFIX[a].length,
);

export function idLabel(kind: IdKind): string {
  return ID_LABEL[kind];
}

/**
 * Normalizes a caller-provided id of the given kind. Never echoes the raw input in its message:
 * the input may be arbitrary text from a speech transcript.
 */
export function normalizeId(kind: IdKind, raw: string): NormalizedId {
  const compact = raw.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
  const label = ID_LABEL[kind];
  const expected = `${capitalize(article(label))} ${label} is ${ID_PREFIX[kind]} followed by digits, for example ${example(kind)}.`;
  if (compact.length === 0) return { ok: false, message: `The ${label} is empty. ${expected}` };
  if (/^\d+$/.test(compact)) {
    if (compact.length > MAX_ID_DIGITS)
      return { ok: false, message: `That is not a valid ${label}. ${expected}` };
    return { ok: true, id: ID_PREFIX[kind] + compact };
  }
  for (const candidate of KINDS_BY_PREFIX_LENGTH) {
    const prefix = ID_PREFIX[candidate];
    if (!compact.startsWith(prefix)) continue;
    const digits = compact.slice(prefix.length);
    if (!/^\d+$/.test(digits) || digits.length > MAX_ID_DIGITS) break;
    if (candidate === kind) return { ok: true, id: prefix + digits };
    return {
      ok: false,
      message: `That looks like ${article(ID_LABEL[candidate])} ${ID_LABEL[candidate]}, not ${article(label)} ${label}. ${expected}`,
    };
  }
  return { ok: false, message: `That is not a valid ${label}. ${expected}` };
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function example(kind: IdKind): string {
  return {
    customer: 'C5000',
    product: 'P1000',
    order: 'O9002',
    tracking: 'TRK10000',
    return: 'R7000',
  }[kind];
}

/**
 * Existing ids one slip away from `id` (a digit misheard, dropped, doubled or swapped), so that
 * "not found" can offer what the caller probably meant. Cheap: about a hundred map lookups.
 */
export function closestIds(
  kind: IdKind,
  id: string,
  exists: (candidate: string) => boolean,
  limit = 3,
): string[] {
  const prefix = ID_PREFIX[kind];
  const digits = id.slice(prefix.length);
  const found = new Set<string>();
  const consider = (variant: string): void => {
    if (variant.length === 0 || variant === digits || found.size >= limit) return;
    const candidate = prefix + variant;
    if (exists(candidate)) found.add(candidate);
  };
  for (let i = 0; i < digits.length; i++) {
    for (let d = 0; d <= 9; d++) consider(digits.slice(0, i) + d + digits.slice(i + 1));
  }
  for (let i = 0; i + 1 < digits.length; i++) {
    consider(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2));
  }
  for (let i = 0; i < digits.length; i++) consider(digits.slice(0, i) + digits.slice(i + 1));
  for (let i = 0; i <= digits.length; i++) {
    for (let d = 0; d <= 9; d++) consider(digits.slice(0, i) + d + digits.slice(i));
  }
  return [...found];
}
