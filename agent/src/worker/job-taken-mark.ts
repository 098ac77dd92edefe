// The worker says in the room that it took the call (contracts/src/job-taken.ts): the switchboard
// then knows the caller's agent is on its way, a second or more before the agent joins, and neither
// queues the caller nor gets its own voice ready for them.
import { jobTakenMetadata } from '@ecommerce-voicebot/contracts';
import type { Logger } from 'pino';
import type { JobOffer } from './call-load.js';

export interface JobTakenMarkOptions {
  /** RoomServiceClient.updateRoomMetadata in production. */
  setRoomMetadata: (room: string, metadata: string) => Promise<unknown>;
  logger: Logger;
}

/** `onAccepted` for the call admission: marks the job's room, in the background. */
export function createJobTakenMark(options: JobTakenMarkOptions): (offer: JobOffer) => void {
  return (offer) => {
    const room = offer.job?.room?.name;
    const dispatchId = offer.job?.dispatchId;
    if (!room || !dispatchId) return;
    // The call goes on without the mark: the switchboard then waits for the agent's join instead.
    options.setRoomMetadata(room, jobTakenMetadata(dispatchId)).catch((error: unknown) => {
      options.logger.warn(
        { jobId: offer.id, err: { message: (error as Error).message } },
        'could not mark the room as taken',
      );
    });
  };
}
