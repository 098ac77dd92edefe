// livekit-server's webhook events, read as what they mean for the line: a caller joined a call
// room, a caller left, a room closed. Only SIP participants are calls (testers' browser sessions
// and the agent are not).
import { ParticipantInfo_Kind, type ParticipantInfo } from '@livekit/protocol';
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

/** The call a SIP participant is, with its number turned into a key (never kept as it is). */
export function callOf(
  room: string,
  participant: ParticipantInfo,
  callerKey: (number: string) => string,
): NewCall | undefined {
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
