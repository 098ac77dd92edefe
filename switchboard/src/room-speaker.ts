// The switchboard's voice in a call room: it joins as its own participant and plays recorded
// clips (once, or looped until stopped), then leaves. The bridge answers a ringing caller as soon
// as it can subscribe to this audio. While it is there it can also send data packets (a QA
// tester's page reads the queue state from them).
import { randomUUID } from 'node:crypto';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { SWITCHBOARD_IDENTITY_PREFIX } from '@ecommerce-voicebot/contracts';
import { AccessToken } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { AudioClip } from './audio-clip.js';

/** A clip being played, or a playlist being looped, in one room. */
export interface Playback {
  /** Resolves when the clips are played (never for a loop), or when stopped. */
  readonly done: Promise<void>;
  /** Stops at the next frame and leaves the room. */
  stop(): Promise<void>;
  /**
   * Sends a reliable data packet on `topic` from the voice's participant, once it is in the room;
   * rejects when it is not (any more).
   */
  send(payload: Uint8Array, topic: string): Promise<void>;
}

export interface RoomSpeaker {
  /**
   * Starts joining the room, silent, so that a `play` there starts sooner (joining takes about a
   * second on a busy host); left again by `release`, or after PREPARED_MS without a `play`. With
   * `publish`, the voice's track is published too (another second): a `play` then starts at once,
   * but the bridge answers a ringing call as soon as it hears of the track (silence until `play`).
   */
  prepare(room: string, options?: { publish?: boolean }): void;
  /** Leaves a prepared room nothing was played in. */
  release(room: string): void;
  /** Plays `clips` in turn; with `loop`, plays `loop` over and over after them until stopped. */
  play(room: string, clips: readonly AudioClip[], loop?: AudioClip): Playback;
}

/** 20 ms frames, the size WebRTC sends. */
const FRAME_MS = 20;
/** A prepared room nobody played in is left after this long. */
const PREPARED_MS = 20_000;

export function createRoomSpeaker(options: {
  /** livekit-server's WebRTC URL (ws:// or wss://). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The clips' sample rate: the voice's track is made before it knows what it will play. */
  sampleRate: number;
  /** Says how long joining and publishing took: both are on the path of a queued caller's wait. */
  logger?: Logger;
}): RoomSpeaker {
  const { logger } = options;
  const join = async (roomName: string): Promise<Room> => {
    const startedAt = Date.now();
    const token = new AccessToken(options.apiKey, options.apiSecret, {
      identity: `${SWITCHBOARD_IDENTITY_PREFIX}${randomUUID()}`,
      name: 'Switchboard',
      ttl: '1h',
    });
    token.addGrant({ room: roomName, roomJoin: true, canPublish: true, canSubscribe: false });
    const room = new Room();
    await room.connect(options.url, await token.toJwt(), { autoSubscribe: false, dynacast: false });
    logger?.debug({ room: roomName, joinMs: Date.now() - startedAt }, 'switchboard voice joined');
    return room;
  };

  /** The voice's track, publishing (or published) in its room. */
  const publish = async (room: Room, roomName: string): Promise<AudioSource> => {
    const startedAt = Date.now();
    const source = new AudioSource(options.sampleRate, 1);
    const track = LocalAudioTrack.createAudioTrack('switchboard', source);
    await room.localParticipant!.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    logger?.debug(
      { room: roomName, publishMs: Date.now() - startedAt },
      'switchboard voice published',
    );
    return source;
  };

  interface Voice {
    room: Promise<Room>;
    source?: Promise<AudioSource>;
  }
  const prepared = new Map<string, Voice>();
  const leave = (voice: Voice) =>
    void (async () => {
      await (await voice.source)?.close();
      await (await voice.room).disconnect();
    })().catch(() => undefined);
  const release = (roomName: string) => {
    const voice = prepared.get(roomName);
    if (voice === undefined) return;
    prepared.delete(roomName);
    leave(voice);
  };

  return {
    prepare(roomName, { publish: withTrack = false } = {}) {
      const known = prepared.get(roomName);
      const voice = known ?? { room: join(roomName) };
      if (withTrack && voice.source === undefined) {
        voice.source = voice.room.then((room) => publish(room, roomName));
        voice.source.catch(() => undefined);
      }
      if (known !== undefined) return;
      voice.room.catch(() => prepared.delete(roomName));
      prepared.set(roomName, voice);
      setTimeout(() => {
        if (prepared.get(roomName) === voice) release(roomName);
      }, PREPARED_MS).unref();
    },
    release,
    play(roomName, clips, loop) {
      let stopped = false;
      const voice = prepared.get(roomName) ?? { room: join(roomName) };
      prepared.delete(roomName);
      const askedAt = Date.now();
      const joining = voice.room;
      const run = async () => {
        const room = await joining;
        let published: AudioSource | undefined;
        try {
          const source = await (voice.source ?? publish(room, roomName));
          published = source;
          logger?.info(
            { room: roomName, waitedMs: Date.now() - askedAt },
            'switchboard voice speaking',
          );
          const { sampleRate } = options;
          const frameSamples = (sampleRate * FRAME_MS) / 1000;
          const playClip = async (clip: AudioClip) => {
            if (clip.sampleRate !== sampleRate) throw new Error('clips differ in sample rate');
            for (let start = 0; start < clip.samples.length && !stopped; start += frameSamples) {
              const samples = new Int16Array(frameSamples);
              samples.set(clip.samples.subarray(start, start + frameSamples));
              await source.captureFrame(new AudioFrame(samples, sampleRate, 1, frameSamples));
            }
          };
          for (const clip of clips) await playClip(clip);
          while (loop !== undefined && !stopped) await playClip(loop);
          if (!stopped) await source.waitForPlayout();
        } finally {
          await published?.close();
          await room.disconnect();
        }
      };
      const done = run();
      let left = false;
      void done.catch(() => undefined).finally(() => (left = true));
      return {
        done,
        async stop() {
          stopped = true;
          await done.catch(() => undefined);
        },
        async send(payload, topic) {
          const room = await joining;
          if (left || stopped) throw new Error('the switchboard has left the room');
          await room.localParticipant!.publishData(payload, { reliable: true, topic });
        },
      };
    },
  };
}
