import { readFile } from 'node:fs/promises';
import wavefile from 'wavefile';

/** Recorded lines the switchboard plays (see assets/README.md). */
const asset = (name: string) => new URL(`../assets/${name}.wav`, import.meta.url);

export const CLIPS = {
  lineDown: asset('line-down'),
  queueIntro: asset('queue-intro'),
  queueNumbers: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => asset(`number-${n}`)),
  queueOutro: asset('queue-outro'),
  queueFull: asset('queue-full'),
  hold: asset('hold'),
} as const;

export interface AudioClip {
  /** Mono 16-bit PCM. */
  samples: Int16Array;
  sampleRate: number;
}

/** A mono 16-bit PCM WAV file (the assets' format); anything else is refused, not converted. */
export async function readClip(path: URL | string): Promise<AudioClip> {
  const wav = new wavefile.WaveFile(await readFile(path));
  const format = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };
  if (format.numChannels !== 1 || format.bitsPerSample !== 16)
    throw new Error(`${String(path)}: expected mono 16-bit PCM`);
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  return { samples, sampleRate: format.sampleRate };
}
