// livekit-server's webhook events, read as what they mean for the line: a caller joined a call
// room, a caller left, a room closed. Calls are SIP participants and QA testers' browser sessions
// (a standard participant in a token API room, `qa-...`); the agent and the switchboard's own
// voice are not.
import { ParticipantInfo_Kind, type ParticipantInfo } from '@livekit/protocol';
import { QA_ROOM_PREFIX, SWITCHBOARD_IDENTITY_PREFIX } from '@ecommerce-voicebot/contracts';
import type { WebhookEvent } from 'livekit-server-sdk';
import type { NewCall } from './call-limits.js';

export type LineEvent =
  | { readonly type: 'call_started'; readonly call: NewCall }
  /** Anyone left: its participant may come without `kind`, so the guard matches by identity. */
  | { readonly type: 'left'; readonly room: string; readonly identity: string }
  /**
   * A participant published a track; for a caller (matched by identity to a call), the bridge now
   * waits for a listener, and can hang up.
   */
  | { readonly type: 'caller_audio'; readonly room: string; readonly identity: string }
  | { readonly type: 'room_closed'; readonly room: string }
  | { readonly type: 'agent_joined'; readonly room: string; readonly identity: string };

/** Whether the room is a QA tester's session (token-api/src/tokens.ts names them). */
export const isTesterRoom = (room: string): boolean => room.startsWith(QA_ROOM_PREFIX);

/** Whether the participant is a QA tester in their session's room. */
export function isTester(room: string, participant: Pick<ParticipantInfo, 'kind' | 'identity'>) {
  return (
    participant.kind === ParticipantInfo_Kind.STANDARD &&
    isTesterRoom(room) &&
    !participant.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX)
  );
}

/**
 * The call a SIP participant is, with its number turned into a key (never kept as it is), or a
 * tester's session (no number: the tester's caller-ID attribute is a test setting, not a caller).
 */
export function callOf(
  room: string,
  participant: ParticipantInfo,
  callerKey: (number: string) => string,
): NewCall | undefined {
  if (isTester(room, participant))
    return {
      room,
      identity: participant.identity,
      trunkId: '',
      callerKey: undefined,
      kind: 'tester',
    };
  if (participant.kind !== ParticipantInfo_Kind.SIP) return undefined;
  const number = participant.attributes['sip.phoneNumber'];
  return {
    room,
    identity: participant.identity,
    trunkId: participant.attributes['sip.trunkID'] ?? '',
    callerKey: number ? callerKey(number) : undefined,
  };
}

export function lineEventOf(
  event: WebhookEvent,
  callerKey: (number: string) => string,
): LineEvent | undefined {
  const room = event.room?.name;
  if (!room) return undefined;
  const participant = event.participant;
  switch (event.event) {
    case 'participant_joined': {
      if (participant?.kind === ParticipantInfo_Kind.AGENT)
        return { type: 'agent_joined', room, identity: participant.identity };
      const call = participant && callOf(room, participant, callerKey);
      return call && { type: 'call_started', call };
    }
    case 'track_published':
      // Its participant may come without `kind`: the guard matches it to a call by identity.
      return participant
        ? { type: 'caller_audio', room, identity: participant.identity }
        : undefined;
    case 'participant_left':
    case 'participant_connection_aborted':
      return participant ? { type: 'left', room, identity: participant.identity } : undefined;
    case 'room_finished':
      return { type: 'room_closed', room };
    default:
      return undefined;
  }
}
