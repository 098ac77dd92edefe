import { describe, expect, it } from 'vitest';
import {
  CALLER_ID_ATTESTATION_HEADERS,
  CALLER_ID_TRUST_ATTRIBUTE,
  callerIdVerdict,
} from './caller-id.js';

const NUMBER = '+14155550100';
const TWILIO = CALLER_ID_ATTESTATION_HEADERS['X-Twilio-VerStat']!;
const PAI = CALLER_ID_ATTESTATION_HEADERS['P-Asserted-Identity']!;
const FROM = CALLER_ID_ATTESTATION_HEADERS['From']!;

const call = (trust: string | undefined, extra: Record<string, string> = {}) => ({
  'sip.phoneNumber': NUMBER,
  ...(trust === undefined ? {} : { [CALLER_ID_TRUST_ATTRIBUTE]: trust }),
  ...extra,
});

describe('callerIdVerdict', () => {
  it('trusts any number on a trunk that trusts any, and none on one that never does', () => {
    expect(callerIdVerdict(call('any'))).toEqual({ trusted: true, reason: 'trunk_trusts_any' });
    expect(callerIdVerdict(call('never', { [TWILIO]: 'TN-Validation-Passed-A' }))).toEqual({
      trusted: false,
      reason: 'trunk_never_trusts',
    });
  });

  it('trusts nothing without a policy (a rule trunks-as-code did not write) or without a number', () => {
    expect(callerIdVerdict(call(undefined, { [TWILIO]: 'TN-Validation-Passed-A' }))).toEqual({
      trusted: false,
      reason: 'no_policy',
    });
    expect(callerIdVerdict(call('bogus'))).toMatchObject({ trusted: false, reason: 'no_policy' });
    expect(callerIdVerdict({ [CALLER_ID_TRUST_ATTRIBUTE]: 'any' })).toEqual({
      trusted: false,
      reason: 'no_number',
    });
  });

  it('on an attested trunk, trusts only full attestation from Twilio or a verstat', () => {
    expect(callerIdVerdict(call('attested'))).toEqual({ trusted: false, reason: 'not_attested' });
    expect(callerIdVerdict(call('attested', { [TWILIO]: 'TN-Validation-Passed-A' }))).toEqual({
      trusted: true,
      reason: 'attested',
    });
    for (const weak of [
      'TN-Validation-Passed-B',
      'TN-Validation-Passed-C',
      'TN-Validation-Failed-A',
      'No-TN-Validation',
    ]) {
      expect(callerIdVerdict(call('attested', { [TWILIO]: weak }))).toEqual({
        trusted: false,
        reason: 'attestation_insufficient',
      });
    }
    // Telnyx: a bare TN-Validation-Passed is A-level, on P-Asserted-Identity.
    const pai = (verstat: string) =>
      `"Ana" <sip:${NUMBER}@sip.telnyx.com;verstat=${verstat}>;party=calling`;
    expect(callerIdVerdict(call('attested', { [PAI]: pai('TN-Validation-Passed') }))).toMatchObject(
      { trusted: true, reason: 'attested' },
    );
    expect(
      callerIdVerdict(call('attested', { [PAI]: pai('TN-Validation-Passed-B') })),
    ).toMatchObject({ trusted: false, reason: 'attestation_insufficient' });
  });

  it('reads a verstat on From only when there is no P-Asserted-Identity', () => {
    const from = `<tel:${NUMBER};verstat=TN-Validation-Passed>;tag=abc`;
    expect(callerIdVerdict(call('attested', { [FROM]: from }))).toMatchObject({ trusted: true });
    // The carrier's P-Asserted-Identity (no verification) outranks a verstat the caller wrote.
    expect(
      callerIdVerdict(call('attested', { [FROM]: from, [PAI]: `<sip:${NUMBER}@carrier>` })),
    ).toEqual({ trusted: false, reason: 'not_attested' });
  });

  it('never puts the number in its answer', () => {
    const verdict = callerIdVerdict(call('attested', { [TWILIO]: 'TN-Validation-Passed-A' }));
    expect(JSON.stringify(verdict)).not.toContain('4155550100');
  });
});
