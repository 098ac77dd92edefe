import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalizes a phone number as written in a CSV export or sent by a SIP trunk to E.164.
 * Extensions are dropped; national numbers are read in the store's default country;
 * the "00" international prefix used outside North America is accepted too.
 */
export function toE164(raw: string, defaultCountry: CountryCode): string | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (parsed?.isPossible()) return parsed.number;
  if (text.startsWith('00')) {
    const international = parsePhoneNumberFromString(`+${text.slice(2)}`);
    if (international?.isPossible()) return international.number;
  }
  return undefined;
}

/** A number safe to log or show: only its last two digits (the contracts package's rule). */
export { maskPhone } from '@ecommerce-voicebot/contracts';
