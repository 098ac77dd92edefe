/**
 * Keeps phone numbers and email addresses out of what QA and admins see: the call record and the
 * room data topic show at most a number's last two digits (the masking rule is the contracts
 * package's) and no email address at all.
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
 * What an email address becomes in the call record and on the data topic. A marker, not a hash:
 * `verify_customer`'s email is the caller's verification secret, and an email address has so
 * little entropy that a plain hash of it is reversed by trying the store's customer list. A keyed
 * hash would need a key kept apart from the records, for no more than telling two attempts apart;
 * QA needs only to see that an email was given (and, in the transcript, where).
 */
export const EMAIL_MARKER = '[email]';

// Field names whose values are email addresses whatever their shape (a mistyped one is still the
// caller's secret).
const EMAIL_KEY = /e-?mail/i;

// Scanned by hand rather than with one regular expression: the obvious patterns backtrack
// quadratically on long runs of word characters, and tool results can be kilobytes of them.
// Letters of any script: "josé@exämple.de" is an address too.
const LOCAL_CHAR = /[\p{L}\p{M}\p{N}_.%+-]/u;
const DOMAIN_CHAR = /[\p{L}\p{M}\p{N}_.-]/u;
const DOMAIN = /^[\p{L}\p{M}\p{N}_-]+(?:\.[\p{L}\p{M}\p{N}_-]+)*\.\p{L}{2,}$/u;

/** `jane.doe@example.com`: each `@` is grown to the address around it. */
function redactWrittenEmails(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > copied && LOCAL_CHAR.test(text[start - 1]!)) start -= 1;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text[end]!)) end += 1;
    // A sentence's full stop after the address is not part of it.
    while (end > at + 1 && text[end - 1] === '.') end -= 1;
    if (start === at || !DOMAIN.test(text.slice(at + 1, end))) continue;
    out += text.slice(copied, start) + EMAIL_MARKER;
    copied = end;
    at = end - 1;
  }
  return out + text.slice(copied);
}

/**
 * An address as a transcription writes what was said: "jane dot doe at example dot com", "jane at
 * example.com". The last label must be letters ("at 5 dot 30" stays); addresses spelled letter by
 * letter are not recognised.
 */
function redactSpokenEmails(text: string): string {
  const words = [...text.matchAll(/[\p{L}\p{M}\p{N}_.%+-]+/gu)].map((m) => ({
    word: m[0].replace(/\.+$/, ''),
    start: m.index,
  }));
  const isWord = (index: number): boolean => {
    const word = words[index]?.word.toLowerCase();
    return word !== undefined && word !== '' && word !== 'at' && word !== 'dot';
  };
  const is = (index: number, word: string): boolean => words[index]?.word.toLowerCase() === word;
  // Only whitespace may stand between a word and the one before it in one address.
  const adjacent = (index: number): boolean => {
    const previous = words[index - 1]!;
    return /^\s+$/.test(text.slice(previous.start + previous.word.length, words[index]!.start));
  };
  const spans: Array<[number, number]> = [];
  for (let k = 1; k < words.length - 1; k += 1) {
    if (!is(k, 'at') || !isWord(k - 1) || !isWord(k + 1) || !adjacent(k) || !adjacent(k + 1)) {
      continue;
    }
    let first = k - 1;
    while (is(first - 1, 'dot') && isWord(first - 2) && adjacent(first) && adjacent(first - 1)) {
      first -= 2;
    }
    let last = k + 1;
    const labels = [words[last]!.word];
    while (is(last + 1, 'dot') && isWord(last + 2) && adjacent(last + 1) && adjacent(last + 2)) {
      last += 2;
      labels.push(words[last]!.word);
    }
    if (!DOMAIN.test(labels.join('.'))) continue;
    spans.push([words[first]!.start, words[last]!.start + words[last]!.word.length]);
    k = last;
  }
  let out = '';
  let copied = 0;
  for (const [start, end] of spans) {
    out += text.slice(copied, start) + EMAIL_MARKER;
    copied = end;
  }
  return out + text.slice(copied);
}

/** Replaces every email address in a string with {@link EMAIL_MARKER}. */
export function redactEmailText(text: string): string {
  return redactSpokenEmails(redactWrittenEmails(text));
}

/**
 * Returns a deep copy of a JSON-like value with email addresses replaced by {@link EMAIL_MARKER}:
 * in every string, and every non-empty string under a field named like `email` (such as
 * `verify_customer`'s `email` argument), whatever it holds.
 */
export function redactEmails(value: unknown): unknown {
  const walk = (node: unknown, underEmailKey: boolean, depth: number): unknown => {
    if (typeof node === 'string') {
      if (underEmailKey) return node.trim() === '' ? node : EMAIL_MARKER;
      return redactEmailText(node);
    }
    if (node === null || typeof node !== 'object') return node;
    // Deeper than any tool's data: nothing is kept that was not looked at.
    if (depth > 32) return null;
    if (Array.isArray(node)) return node.map((item) => walk(item, underEmailKey, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      copy[key] = walk(child, underEmailKey || EMAIL_KEY.test(key), depth + 1);
    }
    return copy;
  };
  return walk(value, false, 0);
}

/**
 * A room name fit for logs: the SIP bridge names a caller's room after their number
 * (`call-_+14155550100_x7Gk`), which is masked like any phone number.
 */
export function roomForLog(name: string | undefined): string | undefined {
  return name === undefined ? undefined : (redactPhoneNumbers(name) as string);
}
