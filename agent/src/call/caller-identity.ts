// Who is calling, as far as the call can tell: a phone caller's number is a claim, and it may
// stand in for verification only when the trunk vouches for it (contracts/src/caller-id.ts). A QA
// tester's number is set by the token API, which testers cannot bypass.
import { ParticipantKind } from '@livekit/rtc-node';
import {
  QA_CALLER_NUMBER_ATTRIBUTE,
  callerIdVerdict,
  type CallerIdVerdict,
} from '@ecommerce-voicebot/contracts';
import type { CallerInfo } from './call-control-tools.js';

/** What the call needs of the caller's participant (a RemoteParticipant in production). */
export interface CallerParticipant {
  readonly kind: ParticipantKind | undefined;
  readonly identity: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A QA tester's number: the token API sets it only where caller-ID testing is allowed. */
export type WebCallerIdVerdict = { readonly trusted: true; readonly reason: 'qa_tester' };

export interface CallerIdentity {
  readonly caller: CallerInfo;
  /** The number the caller presents: for masking in records, never proof of who they are. */
  readonly callerNumber: string | undefined;
  /** The number the store may treat as the caller's identity: set only when `callerId` trusts it. */
  readonly trustedNumber: string | undefined;
  /** Whether the number verifies the caller, and why (for the call record; never the number). */
  readonly callerId: CallerIdVerdict | WebCallerIdVerdict;
  readonly callId: string | undefined;
}

export function describeCaller(participant: CallerParticipant): CallerIdentity {
  const sip = participant.kind === ParticipantKind.SIP;
  const attributes = participant.attributes;
  const callerNumber =
    (sip ? attributes['sip.phoneNumber'] : attributes[QA_CALLER_NUMBER_ATTRIBUTE]) || undefined;
  const callerId: CallerIdVerdict | WebCallerIdVerdict = sip
    ? callerIdVerdict(attributes)
    : callerNumber === undefined
      ? { trusted: false, reason: 'no_number' }
      : { trusted: true, reason: 'qa_tester' };
  return {
    caller: { kind: sip ? 'sip' : 'web', identity: participant.identity },
    callerNumber,
    trustedNumber: callerId.trusted ? callerNumber : undefined,
    callerId,
    callId: sip ? attributes['sip.callID'] : undefined,
  };
}
