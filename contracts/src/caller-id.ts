// Caller ID is a claim, not an identity: anyone can send any From number. A caller's number may
// stand in for verification only when the trunk the call came in on vouches for it. Trunks-as-code
// (sip) writes each dispatch rule's `CALLER_ID_TRUST_ATTRIBUTE` from its trunks' `callerIdTrust`
// and maps the carrier's STIR/SHAKEN verification headers to the attributes below; the SIP bridge
// copies both onto the caller's participant, and the agent reads them with `callerIdVerdict`.

/**
 * A trunk's policy on caller ID. `attested`: trusted only when the carrier's STIR/SHAKEN
 * verification passed with full (A) attestation. `any`: always trusted (only for trunks whose
 * callers are known, such as our own softphones). `never`: never trusted.
 */
export type CallerIdTrust = 'attested' | 'any' | 'never';

export const CALLER_ID_TRUST_VALUES: readonly CallerIdTrust[] = ['attested', 'any', 'never'];

/** The default: a trunk that says nothing trusts only what the carrier verified. */
export const DEFAULT_CALLER_ID_TRUST: CallerIdTrust = 'attested';

/**
 * Participant attribute holding the trust policy of the call's trunk. Set by the dispatch rule
 * (LiveKit copies a rule's attributes onto the participant), never mapped from a SIP header, so a
 * caller cannot set it.
 */
export const CALLER_ID_TRUST_ATTRIBUTE = 'voicebot.caller_id.trust';

/**
 * The SIP headers a trunk with `attested` maps to participant attributes (its
 * `headersToAttributes`): Twilio's `X-Twilio-VerStat`, and the `verstat=` parameter that Telnyx
 * and other carriers add to P-Asserted-Identity or, when there is none, to From.
 */
export const CALLER_ID_ATTESTATION_HEADERS: Readonly<Record<string, string>> = {
  'X-Twilio-VerStat': 'voicebot.caller_id.x_twilio_verstat',
  'P-Asserted-Identity': 'voicebot.caller_id.p_asserted_identity',
  From: 'voicebot.caller_id.from',
};

export type CallerIdReason =
  /** The trunk trusts every caller number (`any`). */
  | 'trunk_trusts_any'
  /** The carrier verified the number with full attestation. */
  | 'attested'
  /** The trunk never trusts caller ID (`never`). */
  | 'trunk_never_trusts'
  /** No policy on the call (a rule not written by trunks-as-code): not trusted. */
  | 'no_policy'
  /** The carrier sent no verification result. */
  | 'not_attested'
  /** The carrier's verification failed, or attested less than A (B, C). */
  | 'attestation_insufficient'
  /** The number was not given (anonymous caller). */
  | 'no_number';

export type CallerIdVerdict =
  | { readonly trusted: true; readonly reason: 'trunk_trusts_any' | 'attested' }
  | {
      readonly trusted: false;
      readonly reason: Exclude<CallerIdReason, 'trunk_trusts_any' | 'attested'>;
    };

const attr = (name: string): string => CALLER_ID_ATTESTATION_HEADERS[name]!;

/** The `verstat` parameter of a P-Asserted-Identity or From value, e.g. `<sip:+1...;verstat=X>`. */
function verstatParam(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /;\s*verstat\s*=\s*([A-Za-z0-9-]+)/i.exec(header)?.[1];
}

/**
 * The carrier's verification result: Twilio's header first; else the verstat on
 * P-Asserted-Identity; From only when the call has no P-Asserted-Identity (that is where the
 * verifying carrier puts it then), so a verstat a caller wrote into From never outranks the
 * carrier's.
 */
function verificationResult(attributes: Readonly<Record<string, string>>): string | undefined {
  const twilio = attributes[attr('X-Twilio-VerStat')]?.trim();
  if (twilio) return twilio;
  const pai = attributes[attr('P-Asserted-Identity')];
  if (pai !== undefined && pai !== '') return verstatParam(pai);
  return verstatParam(attributes[attr('From')]);
}

/**
 * Full attestation only: `TN-Validation-Passed-A` (Twilio), or a bare `TN-Validation-Passed`
 * (Telnyx's value for A; `-B` and `-C` are partial and gateway attestations, which do not prove
 * the caller owns the number).
 */
function fullyAttested(result: string): boolean {
  return /^TN-Validation-Passed(-A)?$/i.test(result);
}

/**
 * Whether the caller's number may verify the caller, and why, from the SIP participant's
 * attributes. Pure; the reason never contains the number.
 */
export function callerIdVerdict(attributes: Readonly<Record<string, string>>): CallerIdVerdict {
  if (!attributes['sip.phoneNumber']) return { trusted: false, reason: 'no_number' };
  const policy = attributes[CALLER_ID_TRUST_ATTRIBUTE];
  switch (policy) {
    case 'any':
      return { trusted: true, reason: 'trunk_trusts_any' };
    case 'never':
      return { trusted: false, reason: 'trunk_never_trusts' };
    case 'attested': {
      const result = verificationResult(attributes);
      if (result === undefined) return { trusted: false, reason: 'not_attested' };
      return fullyAttested(result)
        ? { trusted: true, reason: 'attested' }
        : { trusted: false, reason: 'attestation_insufficient' };
    }
    default:
      return { trusted: false, reason: 'no_policy' };
  }
}
