// A call queue instead of collapse: a caller no worker has room for hears the queue message with
// their position, then hold audio, and is connected first-in first-out as soon as an agent is
// free; past QUEUE_MAX_WAIT_SECONDS, or with the queue full, they hear a polite "call again later"
// and are hung up. livekit-server gives a dispatch to a worker below its load threshold (the
// worker's AGENT_MAX_CALLS) and never retries a dispatch no worker took, so the queue dispatches
// the head of the line again whenever an agent frees up (and every few seconds, for workers that
// join), one caller at a time. A QA tester's page is told the same through `announce`: its
// position on entering and whenever it moves up, and "full" before it is hung up.
import type { QueueWait } from '@ecommerce-voicebot/contracts';
import type { Logger } from 'pino';
import type { AudioClip } from './audio-clip.js';
import type { QueueAnnouncer } from './queue-notice.js';
import type { Playback, RoomSpeaker } from './room-speaker.js';

export interface QueueClips {
  intro: AudioClip;
  /** "one" to "nine": the position, said when it is 9 or less. */
  numbers: readonly AudioClip[];
  outro: AudioClip;
  hold: AudioClip;
  full: AudioClip;
}

export interface LineQueueOptions {
  speaker: RoomSpeaker;
  clips: QueueClips;
  /**
   * Asks livekit-server for an agent in the room (AgentDispatchClient.createDispatch), telling it
   * how long the caller waited (the agent writes it into the call record).
   */
  dispatch: (room: string, wait: QueueWait) => Promise<void>;
  /** Whether a worker took one of the room's dispatches (a job pending or running). */
  agentComing: (room: string) => Promise<boolean>;
  hangUp: (room: string, identity: string) => Promise<void>;
  /** Whether any agent is in a call on the line (agent-presence.ts). */
  agentsOnLine: () => boolean;
  /** A queued caller for whom no worker is left: what line-down.ts does. */
  lineDown: (room: string, identity: string) => Promise<void>;
  maxLength: number;
  maxWaitMs: number;
  logger: Logger;
  /** Tells the room where its caller stands (queue-notice.ts), through the queue's voice. */
  announce?: QueueAnnouncer;
  /** After a dispatch, how long to wait for a worker to take it before trying again. */
  takeMs?: number;
  /** Without news of a free agent, how often the head of the line is tried anyway. */
  idleRetryMs?: number;
  /** After an agent frees up, how long to keep trying (its worker reports its load every 2.5 s). */
  freedWindowMs?: number;
  now?: () => number;
}

export interface LineQueue {
  /** Queues a caller no agent has room for (or tells them the queue is full). */
  enqueue(room: string, identity: string): void;
  /** An agent joined: a queued caller in that room is connected. */
  agentJoined(room: string): void;
  /** An agent left a call: its worker has room again. */
  agentFreed(): void;
  callerLeft(room: string, identity: string): void;
  roomClosed(room: string): void;
  readonly length: number;
  /** Position (1 = next) of the caller in `room`, or undefined. */
  positionOf(room: string): number | undefined;
  start(): void;
  stop(): Promise<void>;
}

interface Waiting {
  room: string;
  identity: string;
  since: number;
  position: number;
  playback: Playback;
  /** The place in line the room was last told. */
  announced: number;
  /** When its latest dispatch was made, while a worker may still take it. */
  dispatchedAt?: number;
}

export function createLineQueue(options: LineQueueOptions): LineQueue {
  const { logger, clips } = options;
  const now = options.now ?? Date.now;
  const takeMs = options.takeMs ?? 700;
  const idleRetryMs = options.idleRetryMs ?? 5_000;
  const freedWindowMs = options.freedWindowMs ?? 4_000;
  const line: Waiting[] = [];
  let freedUntil = 0;
  let lastTry = 0;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  /** Tells every caller whose place in line moved where they are now. */
  const announcePlaces = () => {
    const at = now();
    line.forEach((entry, index) => {
      if (entry.announced === index + 1) return;
      entry.announced = index + 1;
      options.announce?.(entry.room, entry.playback, {
        state: 'waiting',
        position: index + 1,
        waitedMs: at - entry.since,
      });
    });
  };

  const remove = (entry: Waiting) => {
    const index = line.indexOf(entry);
    if (index >= 0) line.splice(index, 1);
    announcePlaces();
  };

  const refuse = async (room: string, identity: string, reason: 'queue_full' | 'queue_timeout') => {
    logger.warn({ room, reason }, 'queued caller told to call again later');
    try {
      const playback = options.speaker.play(room, [clips.full]);
      options.announce?.(room, playback, { state: 'full' });
      await playback.done;
    } catch (error) {
      logger.error({ room, err: { message: (error as Error).message } }, 'queue message failed');
    }
    await options.hangUp(room, identity).catch(() => undefined);
  };

  /** One step: time out the longest waiters, then try to connect the head of the line. */
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const at = now();
      for (const entry of [...line])
        if (at - entry.since > options.maxWaitMs) {
          remove(entry);
          await entry.playback.stop();
          void refuse(entry.room, entry.identity, 'queue_timeout');
        }
      const head = line[0];
      if (head === undefined) return;
      if (head.dispatchedAt !== undefined) {
        if (at - head.dispatchedAt < takeMs) return;
        // A worker took it: its agent is on the way (agentJoined ends the wait).
        if (await options.agentComing(head.room).catch(() => false)) return;
        head.dispatchedAt = undefined;
        if (!options.agentsOnLine() && at >= freedUntil) {
          // No agent in any call, none left one lately (its worker would be alive, and may be
          // holding the dispatch while that agent's session closes), and no worker took the
          // call: no worker is left to free up.
          for (const entry of line.splice(0)) {
            await entry.playback.stop();
            logger.warn({ room: entry.room }, 'no worker left; telling a queued caller');
            void options.lineDown(entry.room, entry.identity);
          }
          return;
        }
      }
      const retryDue = at < freedUntil || at - lastTry >= idleRetryMs;
      if (!retryDue) return;
      lastTry = at;
      head.dispatchedAt = at;
      await options
        .dispatch(head.room, { waitedMs: at - head.since, position: head.position })
        .catch((error: unknown) => {
          head.dispatchedAt = undefined;
          logger.warn({ err: { message: (error as Error).message } }, 'queue dispatch failed');
        });
    } finally {
      busy = false;
    }
  };

  return {
    enqueue(room, identity) {
      if (line.some((entry) => entry.room === room)) return;
      if (line.length >= options.maxLength) {
        void refuse(room, identity, 'queue_full');
        return;
      }
      const position = line.length + 1;
      const number = clips.numbers[position - 1];
      const greeting = number ? [clips.intro, number, clips.outro] : [clips.outro];
      const playback = options.speaker.play(room, greeting, clips.hold);
      playback.done.catch((error: unknown) =>
        logger.error({ room, err: { message: (error as Error).message } }, 'hold audio failed'),
      );
      line.push({ room, identity, since: now(), position, playback, announced: 0 });
      logger.info({ room, position }, 'caller queued');
      announcePlaces();
    },
    agentJoined(room) {
      const entry = line.find((waiting) => waiting.room === room);
      if (entry === undefined) return;
      remove(entry);
      logger.info({ room, waitedMs: now() - entry.since }, 'queued caller connected');
      void entry.playback.stop();
    },
    agentFreed() {
      freedUntil = now() + freedWindowMs;
      void tick();
    },
    callerLeft(room, identity) {
      const entry = line.find((waiting) => waiting.room === room && waiting.identity === identity);
      if (entry === undefined) return;
      remove(entry);
      logger.info({ room, waitedMs: now() - entry.since }, 'queued caller hung up');
      void entry.playback.stop();
    },
    roomClosed(room) {
      for (const entry of line.filter((waiting) => waiting.room === room)) {
        remove(entry);
        void entry.playback.stop();
      }
    },
    get length() {
      return line.length;
    },
    positionOf(room) {
      const index = line.findIndex((entry) => entry.room === room);
      return index < 0 ? undefined : index + 1;
    },
    start() {
      timer ??= setInterval(() => void tick(), 250);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await Promise.all(line.splice(0).map((entry) => entry.playback.stop()));
    },
  };
}
