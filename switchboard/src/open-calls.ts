// The calls already on the line when the switchboard starts (after a restart, say), so the line's
// count does not begin at zero while calls are up.
import type { RoomServiceClient } from 'livekit-server-sdk';
import { callOf } from './call-events.js';
import type { NewCall } from './call-limits.js';

export async function listOpenCalls(
  rooms: Pick<RoomServiceClient, 'listRooms' | 'listParticipants'>,
  callerKey: (number: string) => string,
): Promise<NewCall[]> {
  const calls: NewCall[] = [];
  for (const room of await rooms.listRooms()) {
    for (const participant of await rooms.listParticipants(room.name)) {
      const call = callOf(room.name, participant, callerKey);
      if (call) calls.push(call);
    }
  }
  return calls;
}
