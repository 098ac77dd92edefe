// The queue state as a QA tester's page sees it: an `agent.events` message of type `queue`
// (contracts/src/agent-events.ts) sent by the switchboard's voice in the room. Phone callers hear
// the same in the queue message; the bridge ignores the packet.
import {
  AGENT_EVENTS_TOPIC,
  AGENT_EVENTS_VERSION,
  type QueueEvent,
} from '@ecommerce-voicebot/contracts';
import type { Logger } from 'pino';
import type { Playback } from './room-speaker.js';

/** What the queue says about one waiting caller. */
export type QueueNotice =
  | { readonly state: 'waiting'; readonly position: number; readonly waitedMs: number }
  /** Asked to call again later (the queue was full, or the wait too long), then hung up. */
  | { readonly state: 'full' };

/** Sends a notice through the voice that plays the queue audio in the caller's room. */
export type QueueAnnouncer = (room: string, playback: Playback, notice: QueueNotice) => void;

export function queueEventOf(notice: QueueNotice, at: number): QueueEvent {
  const event: QueueEvent = { type: 'queue', v: AGENT_EVENTS_VERSION, at, state: notice.state };
  if (notice.state === 'waiting') {
    event.position = notice.position;
    event.waitedMs = Math.round(notice.waitedMs);
  }
  return event;
}

export function createQueueAnnouncer(options: {
  logger: Logger;
  now?: () => number;
}): QueueAnnouncer {
  const now = options.now ?? Date.now;
  const encoder = new TextEncoder();
  return (room, playback, notice) => {
    const payload = encoder.encode(JSON.stringify(queueEventOf(notice, now())));
    playback.send(payload, AGENT_EVENTS_TOPIC).catch((error: unknown) => {
      // The voice left (the caller hung up, an agent came): nobody is left to tell.
      options.logger.debug(
        { room, state: notice.state, err: { message: (error as Error).message } },
        'queue notice not sent',
      );
    });
  };
}
