import { ParticipantInfo, ParticipantInfo_Kind } from '@livekit/protocol';
import { describe, expect, it } from 'vitest';
import { callOf, isTester, lineEventOf } from './call-events.js';
import { webhookEvent } from './testing/webhooks.js';

const key = (number: string) => `key(${number})`;
const participant = (fields: Partial<ParticipantInfo>) => new ParticipantInfo(fields);

describe('call events', () => {
  it('reads a standard participant in a token API room as a tester session, without a number', () => {
    const tester = participant({
      identity: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
      kind: ParticipantInfo_Kind.STANDARD,
      // The tester's caller-ID setting: what the agent tests with, not a caller to limit.
      attributes: { 'qa.caller_number': '+14155550100' },
    });
    expect(callOf('qa-0123456789abcdef0123', tester, key)).toEqual({
      room: 'qa-0123456789abcdef0123',
      identity: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
      trunkId: '',
      callerKey: undefined,
      kind: 'tester',
    });
  });

  it('reads a SIP participant as a phone call, with its number keyed', () => {
    const caller = participant({
      identity: 'sip_1',
      kind: ParticipantInfo_Kind.SIP,
      attributes: { 'sip.phoneNumber': '+14155550100', 'sip.trunkID': 'TR_1' },
    });
    expect(callOf('call-1', caller, key)).toEqual({
      room: 'call-1',
      identity: 'sip_1',
      trunkId: 'TR_1',
      callerKey: 'key(+14155550100)',
    });
  });

  it("is no call: the agent, the switchboard's voice, a browser outside testers' rooms", () => {
    const cases: [string, Partial<ParticipantInfo>][] = [
      ['qa-1', { identity: 'agent-AJ_1', kind: ParticipantInfo_Kind.AGENT }],
      ['qa-1', { identity: 'switchboard-1', kind: ParticipantInfo_Kind.STANDARD }],
      ['call-1', { identity: 'someone', kind: ParticipantInfo_Kind.STANDARD }],
      ['qa-1', { identity: 'egress', kind: ParticipantInfo_Kind.EGRESS }],
    ];
    for (const [room, fields] of cases) {
      expect(callOf(room, participant(fields), key)).toBeUndefined();
      expect(isTester(room, participant(fields))).toBe(false);
    }
  });

  it('turns a tester joining into a call start', () => {
    const event = webhookEvent('participant_joined', {
      room: 'qa-1',
      identity: 'tester-1',
      kind: ParticipantInfo_Kind.STANDARD,
    });
    expect(lineEventOf(event, key)).toMatchObject({
      type: 'call_started',
      call: { room: 'qa-1', identity: 'tester-1', kind: 'tester' },
    });
  });
});
