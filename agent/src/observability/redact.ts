/**
 * Keeps phone numbers out of what QA and admins see: the call record and the room data topic show
 * at most a number's last two digits (the masking rule is the contracts package's).
 */
import { maskPhone } from '@ecommerce-voicebot/contracts';

export { maskPhone };

// `+` followed by at least 8 digits with the usual separators: "+14155550100", "+1 (415) 555-0100".
const INTERNATIONAL = /\+\d(?:[\s().-]*\d){7,14}/g;
// North American national format: "415-555-0101", "(415) 555-0100", "415.555.0101". Dates
// ("2026-11-02") and the store's ids ("O9002", "TRK10001") do not match.
const NANP = /(?<![\d+])(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)/g;
// Field names whose string values are phone numbers whatever their format.
const PHONE_KEY = /phone|caller_?number|msisdn/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Returns a deep copy of a JSON-like value with phone numbers masked (see {@link maskPhone}) in
 * every string: international and North American formats, values of fields named like `phone`,
 * and the given known numbers (the caller's) wherever their digits appear as a whole number.
 */
export function redactPhoneNumbers(value: unknown, knownNumbers: readonly string[] = []): unknown {
  const known = knownNumbers
    .map((number) => number.replace(/\D/g, ''))
    .filter((digits) => digits.length >= 7)
    // The national part too: "4155550100" for "+14155550100".
    .flatMap((digits) => (digits.length > 10 ? [digits, digits.slice(-10)] : [digits]))
    .map((digits) => new RegExp(`(?<!\\d)\\+?${escapeRegExp(digits)}(?!\\d)`, 'g'));

  const redactString = (text: string): string => {
    let out = text.replace(INTERNATIONAL, maskPhone).replace(NANP, maskPhone);
    for (const pattern of known) out = out.replace(pattern, maskPhone);
    return out;
  };

  const walk = (node: unknown, key: string | undefined, depth: number): unknown => {
    if (typeof node === 'string') {
      return key !== undefined && PHONE_KEY.test(key) ? maskPhone(node) : redactString(node);
    }
    if (node === null || typeof node !== 'object' || depth > 32) return node;
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(node)) {
      copy[childKey] = walk(child, childKey, depth + 1);
    }
    return copy;
  };

  return walk(value, undefined, 0);
}

/**
 * A room name fit for logs: the SIP bridge names a caller's room after their number
 * (`call-_+14155550100_x7Gk`), which is masked like any phone number.
 */
export function roomForLog(name: string | undefined): string | undefined {
  return name === undefined ? undefined : (redactPhoneNumbers(name) as string);
}
