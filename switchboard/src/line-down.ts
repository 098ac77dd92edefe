// What a caller hears when no agent can take the call: the recorded apology, then a transfer to
// the human line when one is configured, else the call ends.
import type { Logger } from 'pino';
import type { AudioClip } from './audio-clip.js';
import type { RoomSpeaker } from './room-speaker.js';

export function createLineDown(deps: {
  speaker: RoomSpeaker;
  clip: () => Promise<AudioClip>;
  hangUp: (room: string, identity: string) => Promise<void>;
  /** TRANSFER_TO: the human line (a tel: or sip: URI), or undefined. */
  transferTo: string | undefined;
  transfer: (room: string, identity: string, to: string) => Promise<void>;
  logger: Logger;
}): (room: string, identity: string) => Promise<void> {
  return async (room, identity) => {
    try {
      await deps.speaker.play(room, [await deps.clip()]).done;
    } catch (error) {
      deps.logger.error({ room, err: { message: (error as Error).message } }, 'apology failed');
    }
    try {
      if (deps.transferTo !== undefined) {
        await deps.transfer(room, identity, deps.transferTo);
        deps.logger.info({ room }, 'line down: caller transferred');
        return;
      }
    } catch (error) {
      deps.logger.error({ room, err: { message: (error as Error).message } }, 'transfer failed');
    }
    await deps.hangUp(room, identity).catch((error: unknown) => {
      deps.logger.error({ room, err: { message: (error as Error).message } }, 'hang-up failed');
    });
    deps.logger.info({ room }, 'line down: call ended');
  };
}
