// Caller-ID testing: the number the agent treats the session as coming from.

/**
 * The participant attribute the token API sets from `participant_attributes` (the same string
 * as QA_CALLER_NUMBER_ATTRIBUTE in agent/src/dispatch.ts; a test keeps them equal).
 */
export const QA_CALLER_NUMBER_ATTRIBUTE = 'qa.caller_number';

/** E.164 as the token API checks it: +, a non-zero digit, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

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
  if (!E164.test(value))
    return {
      ok: false,
      value,
      message: 'Use E.164: + then 7 to 15 digits, no leading 0 (e.g. +14155550100).',
    };
  return { ok: true, value };
}

/** A phone number masked to its last two digits, like the agent's call records. */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, '');
  return digits.length <= 2 ? '**' : `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
