import { ParticipantKind } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  CALLER_ID_ATTESTATION_HEADERS,
  CALLER_ID_TRUST_ATTRIBUTE,
  QA_CALLER_NUMBER_ATTRIBUTE,
} from '@ecommerce-voicebot/contracts';
import { describeCaller } from './caller-identity.js';

const ANA = '+14155550100';
const sipCaller = (attributes: Record<string, string>) => ({
  kind: ParticipantKind.SIP,
  identity: `sip_${ANA}`,
  attributes: { 'sip.phoneNumber': ANA, 'sip.callID': 'SCL_1', ...attributes },
});

describe('describeCaller', () => {
  it('does not trust a phone number the trunk does not vouch for: no number goes to the store', () => {
    const identity = describeCaller(sipCaller({ [CALLER_ID_TRUST_ATTRIBUTE]: 'attested' }));
    expect(identity).toMatchObject({
      caller: { kind: 'sip' },
      callerNumber: ANA,
      trustedNumber: undefined,
      callerId: { trusted: false, reason: 'not_attested' },
      callId: 'SCL_1',
    });
    // A rule without a policy (not written by trunks-as-code) trusts no one.
    expect(describeCaller(sipCaller({})).trustedNumber).toBeUndefined();
  });

  it('passes the number on when the carrier attests it, or the trunk trusts any number', () => {
    const twilio = CALLER_ID_ATTESTATION_HEADERS['X-Twilio-VerStat']!;
    const attested = describeCaller(
      sipCaller({ [CALLER_ID_TRUST_ATTRIBUTE]: 'attested', [twilio]: 'TN-Validation-Passed-A' }),
    );
    expect(attested).toMatchObject({ trustedNumber: ANA, callerId: { reason: 'attested' } });
    const dev = describeCaller(sipCaller({ [CALLER_ID_TRUST_ATTRIBUTE]: 'any' }));
    expect(dev).toMatchObject({ trustedNumber: ANA, callerId: { reason: 'trunk_trusts_any' } });
  });

  it("trusts a QA tester's number, which only the token API can set", () => {
    const tester = describeCaller({
      kind: ParticipantKind.STANDARD,
      identity: 'tester',
      attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: ANA },
    });
    expect(tester).toMatchObject({
      caller: { kind: 'web' },
      trustedNumber: ANA,
      callerId: { trusted: true, reason: 'qa_tester' },
      callId: undefined,
    });
    const anonymous = describeCaller({
      kind: ParticipantKind.STANDARD,
      identity: 't',
      attributes: {},
    });
    expect(anonymous).toMatchObject({ trustedNumber: undefined, callerId: { trusted: false } });
  });
});
