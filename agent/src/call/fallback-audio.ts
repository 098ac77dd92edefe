import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type Room,
} from '@livekit/rtc-node';
import { AGENT_DIR } from '../package-dir.js';

/**
 * Pre-recorded lines for when the model cannot speak (see assets/README.md): it is gone (the
 * apologies), or not connected yet (the opening lines, played as soon as the agent joins: the
 * session and the model need a second or more to start on a busy host).
 */
export const FALLBACK_CLIPS = {
  apology: join(AGENT_DIR, 'assets/apology.wav'),
  apologyTransfer: join(AGENT_DIR, 'assets/apology-transfer.wav'),
  takeover: join(AGENT_DIR, 'assets/takeover.wav'),
  hello: join(AGENT_DIR, 'assets/hello.wav'),
} as const;

export interface Pcm16Clip {
  samples: Int16Array;
  sampleRate: number;
}

/** Reads a mono 16-bit PCM WAV file (the format our assets are written in). */
export async function readWavClip(path: URL | string): Promise<Pcm16Clip> {
  const bytes = await readFile(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16)
        throw new Error('expected mono 16-bit PCM');
      sampleRate = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const data = bytes.subarray(body, body + size);
      const samples = new Int16Array(data.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data');
}

/** A clip on its way to the room: `played` resolves once it is heard out and unpublished. */
export interface StartedClip {
  readonly played: Promise<void>;
  /** Drops what is still queued and unpublishes the track (once `played` resolves). */
  stop(): void;
}

export interface StartClipOptions {
  trackName?: string;
  /** Silence queued before the clip: the clip plays only if not stopped by then. */
  leadMs?: number;
}

/**
 * Publishes a clip on its own track, independent of the agent session, and resolves once all of
 * it is queued for playout: used when the session cannot speak (the model connection is lost, or
 * not made yet). The whole clip fits in the native queue, which plays it out in real time from
 * there even while this process's event loop is busy (a job starting its session stalls it for a
 * second or more on a busy host, and frames fed one by one would reach the caller that late).
 */
export async function startClip(
  room: Room,
  clip: Pcm16Clip,
  options: StartClipOptions = {},
): Promise<StartedClip> {
  const participant = room.localParticipant;
  if (participant === undefined) return { played: Promise.resolve(), stop: () => undefined };
  const frameSamples = clip.sampleRate / 50; // 20 ms frames
  const leadFrames = Math.ceil((options.leadMs ?? 0) / 20);
  const durationMs = (clip.samples.length / clip.sampleRate) * 1000 + leadFrames * 20;
  // The native queue's size must be a multiple of 10 ms (it panics otherwise, killing the job).
  const source = new AudioSource(clip.sampleRate, 1, Math.ceil(durationMs / 10) * 10 + 500);
  const track = LocalAudioTrack.createAudioTrack(options.trackName ?? 'fallback', source);
  const cleanUp = async (sid: string | undefined) => {
    if (sid !== undefined) await participant.unpublishTrack(sid).catch(() => {});
    await source.close();
  };
  let sid: string | undefined;
  try {
    const publication = await participant.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    sid = publication.sid;
    for (let frame = 0; frame < leadFrames; frame += 1)
      await source.captureFrame(
        new AudioFrame(new Int16Array(frameSamples), clip.sampleRate, 1, frameSamples),
      );
    for (let start = 0; start < clip.samples.length; start += frameSamples) {
      const frame = new Int16Array(frameSamples);
      frame.set(clip.samples.subarray(start, Math.min(start + frameSamples, clip.samples.length)));
      await source.captureFrame(new AudioFrame(frame, clip.sampleRate, 1, frameSamples));
    }
  } catch (error) {
    await cleanUp(sid);
    throw error;
  }
  // Never rejects: nobody may be waiting for it (the opening lines are not awaited to their end).
  const played = source
    .waitForPlayout()
    .finally(() => cleanUp(sid))
    .catch(() => undefined);
  let stopped = false;
  return {
    played,
    stop() {
      if (stopped) return;
      stopped = true;
      // Resolves the playout wait, so `played` unpublishes the track.
      try {
        source.clearQueue();
      } catch {
        // already played out and closed
      }
    },
  };
}

/** Plays a clip into the room on its own track ({@link startClip}) and waits until it is heard out. */
export async function playClip(room: Room, clip: Pcm16Clip): Promise<void> {
  await (
    await startClip(room, clip)
  ).played;
}
