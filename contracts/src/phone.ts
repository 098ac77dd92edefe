// Phone-number rules every process applies the same way: what counts as an E.164 number (token
// API, trunks-as-code, the agent, the tester's form) and how a number is masked wherever QA,
// admins or logs see it.

/** E.164: `+`, a non-zero country-code digit, 7 to 15 digits in all (e.g. +14155550100, +15550100). */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return E164_PATTERN.test(value);
}

/** Fewer digits than this cannot be a phone number worth keeping any digit of. */
const MIN_DIGITS_TO_KEEP_ANY = 6;

/**
 * Masks a phone number, keeping only its last two digits: `+14155550100` → `**********00`. Spaces,
 * dashes and parentheses are dropped first, so `+1 (415) 555-0100` masks the same way. A string
 * with too few digits to be a phone number is masked entirely.
 */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[^\d+]/g, '');
  const digits = compact.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS_TO_KEEP_ANY) return '*'.repeat(Math.max(compact.length, 1));
  return '*'.repeat(compact.length - 2) + digits.slice(-2);
}
