// Caller-ID testing: the number the agent treats the session as coming from.

import { isE164, maskPhone, QA_CALLER_NUMBER_ATTRIBUTE } from '@ecommerce-voicebot/contracts';

/** The participant attribute the token API sets from `participant_attributes`. */
export { QA_CALLER_NUMBER_ATTRIBUTE };
/** A phone number masked to its last two digits, like the agent's call records. */
export { maskPhone };

export type CallerIdCheck =
  { ok: true; value: string | undefined } | { ok: false; value: string; message: string };

/**
 * What the tester typed → the E.164 number to send (undefined when the field is empty). Spaces,
 * dashes, dots and parentheses are dropped; anything else must already be E.164.
 */
export function checkCallerId(input: string): CallerIdCheck {
  const value = input.replace(/[\s\-().]/g, '');
  if (value === '') return { ok: true, value: undefined };
  if (!value.startsWith('+'))
    return {
      ok: false,
      value,
      message: 'Start with + and the country code, e.g. +14155550100.',
    };
  if (!isE164(value))
    return {
      ok: false,
      value,
      message: 'Use E.164: + then 7 to 15 digits, no leading 0 (e.g. +14155550100).',
    };
  return { ok: true, value };
}
