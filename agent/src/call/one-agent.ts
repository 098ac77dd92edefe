// One agent per call. A room can get a second dispatch while its first is still being assigned (the
// switchboard's queue or line-down check, the workers' call recovery); two agents would talk over
// each other. An agent that finds another agent in the room when it joins leaves at once; two that
// join at the same moment (each sees the other arrive just after joining) keep the one with the
// smaller identity.
import { ParticipantKind } from '@livekit/rtc-node';

export interface RoomMember {
  readonly identity: string;
  readonly kind: ParticipantKind | undefined;
  /** When it joined the room (livekit-server's clock, epoch ms), when known. */
  readonly joinedAtMs?: number;
}

/** Agents joining within this long of each other count as joining at once. */
export const SIMULTANEOUS_JOIN_MS = 3_000;

/**
 * Whether this agent must leave, given the agents already in the room when it joined. One that
 * joined less than SIMULTANEOUS_JOIN_MS before `self` (livekit-server's join times) counts as
 * joining at once: the smaller identity stays, as {@link yieldsToNewcomer} decides on its side
 * (else both would leave: the earlier one yields to the newcomer, the newcomer to it).
 */
export function anotherAgentServes(
  present: Iterable<RoomMember>,
  self?: { readonly identity: string; readonly joinedAtMs: number },
): boolean {
  for (const member of present) {
    if (member.kind !== ParticipantKind.AGENT) continue;
    const atOnce =
      self !== undefined &&
      member.joinedAtMs !== undefined &&
      member.joinedAtMs > 0 &&
      self.joinedAtMs - member.joinedAtMs < SIMULTANEOUS_JOIN_MS;
    if (atOnce && self.identity < member.identity) continue;
    return true;
  }
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
