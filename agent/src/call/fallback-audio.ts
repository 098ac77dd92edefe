import { readFile } from 'node:fs/promises';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type Room,
} from '@livekit/rtc-node';

/** Pre-recorded lines for when the model itself is gone and cannot speak (see assets/README.md). */
export const FALLBACK_CLIPS = {
  apology: new URL('../../assets/apology.wav', import.meta.url),
  apologyTransfer: new URL('../../assets/apology-transfer.wav', import.meta.url),
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

/**
 * Plays a clip into the room on its own track, independent of the agent session: used when the
 * model connection is lost and the session can no longer speak.
 */
export async function playClip(room: Room, clip: Pcm16Clip): Promise<void> {
  const participant = room.localParticipant;
  if (participant === undefined) return;
  const source = new AudioSource(clip.sampleRate, 1);
  const track = LocalAudioTrack.createAudioTrack('fallback', source);
  const publication = await participant.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
  const frameSamples = clip.sampleRate / 50; // 20 ms frames
  try {
    for (let start = 0; start < clip.samples.length; start += frameSamples) {
      const frame = new Int16Array(frameSamples);
      frame.set(clip.samples.subarray(start, Math.min(start + frameSamples, clip.samples.length)));
      await source.captureFrame(new AudioFrame(frame, clip.sampleRate, 1, frameSamples));
    }
    await source.waitForPlayout();
  } finally {
    if (publication.sid !== undefined)
      await participant.unpublishTrack(publication.sid).catch(() => {});
    await source.close();
  }
}
