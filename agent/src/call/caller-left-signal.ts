// Tells the worker's main process, through the agent's own attributes, that the caller has left:
// the session still takes a second or more to close, and until the job process is done the worker
// would count the call and keep a queued caller waiting for its slot (worker/job-heartbeat.ts reads
// the attribute in each heartbeat's reply).
import { AGENT_CALL_ENDED_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { RoomEvent } from '@livekit/rtc-node';
import type { Logger } from 'pino';

/** The part of an rtc-node Room the signal uses. */
export interface SignalRoom {
  on(event: RoomEvent.ParticipantDisconnected, listener: (who: { identity: string }) => void): void;
  off(
    event: RoomEvent.ParticipantDisconnected,
    listener: (who: { identity: string }) => void,
  ): void;
  readonly localParticipant?:
    { setAttributes(attributes: Record<string, string>): Promise<void> } | undefined;
}

/** Marks this agent's call ended as soon as `callerIdentity` leaves the room. */
export function signalCallerLeft(room: SignalRoom, callerIdentity: string, logger: Logger): void {
  const onLeft = (who: { identity: string }): void => {
    if (who.identity !== callerIdentity) return;
    room.off(RoomEvent.ParticipantDisconnected, onLeft);
    room.localParticipant
      ?.setAttributes({ [AGENT_CALL_ENDED_ATTRIBUTE]: '1' })
      .catch((error: unknown) =>
        logger.debug({ err: { message: (error as Error).message } }, 'call end not signalled'),
      );
  };
  room.on(RoomEvent.ParticipantDisconnected, onLeft);
}
