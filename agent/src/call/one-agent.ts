// One agent per call. A room can get a second dispatch while its first is still being assigned (the
// switchboard's queue or line-down check, the workers' call recovery); two agents would talk over
// each other. An agent that finds another agent in the room when it joins leaves at once; two that
// join at the same moment (each sees the other arrive just after joining) keep the one with the
// smaller identity.
import { ParticipantKind } from '@livekit/rtc-node';

export interface RoomMember {
  readonly identity: string;
  readonly kind: ParticipantKind | undefined;
}

/** Agents joining within this long of each other count as joining at once. */
export const SIMULTANEOUS_JOIN_MS = 3_000;

/** Whether this agent must leave, given the agents already in the room when it joined. */
export function anotherAgentServes(present: Iterable<RoomMember>): boolean {
  for (const member of present) if (member.kind === ParticipantKind.AGENT) return true;
  return false;
}

/** Whether this agent must leave for an agent that joined `sinceJoinMs` after it did. */
export function yieldsToNewcomer(self: string, newcomer: RoomMember, sinceJoinMs: number): boolean {
  return (
    newcomer.kind === ParticipantKind.AGENT &&
    sinceJoinMs < SIMULTANEOUS_JOIN_MS &&
    newcomer.identity < self
  );
}
