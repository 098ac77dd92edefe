// PCM16 helpers for the emulator: synthetic "speech" for answers, tones for tests, RMS for the VAD.
// All audio is signed 16-bit little-endian, mono, 24 kHz, like the OpenAI Realtime API.

export const SAMPLE_RATE = 24_000;
export const BYTES_PER_SAMPLE = 2;
/** Bytes of PCM16 mono 24 kHz per millisecond. */
export const BYTES_PER_MS = (SAMPLE_RATE * BYTES_PER_SAMPLE) / 1000;

export function msToSamples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

export function bytesToMs(bytes: number): number {
  return bytes / BYTES_PER_MS;
}

/** Copies the samples into a little-endian byte buffer (independent of host endianness). */
export function pcm16ToBuffer(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * BYTES_PER_SAMPLE);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, i * 2);
  return out;
}

/** Reads little-endian PCM16; a trailing odd byte is ignored. */
export function bufferToPcm16(buf: Buffer): Int16Array {
  const n = Math.floor(buf.length / BYTES_PER_SAMPLE);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/** Root mean square of the samples, normalised to 0..1 of full scale. */
export function rms(samples: Int16Array, start = 0, end = samples.length): number {
  const len = end - start;
  if (len <= 0) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = (samples[i] ?? 0) / 32768;
    sum += v * v;
  }
  return Math.sqrt(sum / len);
}

export function rmsToDbfs(value: number): number {
  return value <= 0 ? -120 : 20 * Math.log10(value);
}

/** A pure sine tone; amplitude is a fraction of full scale. */
export function tone(frequencyHz: number, ms: number, amplitude = 0.3): Int16Array {
  const n = msToSamples(ms);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Math.round(
      amplitude * 32767 * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE),
    );
  }
  return out;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(msToSamples(ms));
}

export function concatPcm16(parts: Int16Array[]): Int16Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Splits PCM16 into chunks of `chunkMs` (the last one may be shorter). */
export function chunkPcm16(samples: Int16Array, chunkMs: number): Int16Array[] {
  const size = Math.max(1, msToSamples(chunkMs));
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.subarray(i, i + size));
  return out;
}

// Formant pairs (F1, F2) in Hz of five vowels; the synthetic voice glides between them.
const VOWELS: ReadonlyArray<readonly [number, number]> = [
  [730, 1090], // a
  [530, 1840], // e
  [270, 2290], // i
  [570, 840], // o
  [300, 870], // u
];

const SYLLABLE_MS = 180;
const BLOCK = 240; // 10 ms blocks: harmonic weights are recomputed per block
const HARMONICS = 14;

export interface SpeechSynthOptions {
  msPerChar: number;
  minMs: number;
  maxMs: number;
  /** Peak amplitude as a fraction of full scale. */
  amplitude?: number;
}

/** Duration of the synthetic utterance for a text (about `msPerChar` per character, clamped). */
export function speechDurationMs(text: string, opts: SpeechSynthOptions): number {
  return Math.min(opts.maxMs, Math.max(opts.minMs, text.length * opts.msPerChar));
}

function formantGain(freq: number, f1: number, f2: number): number {
  const peak = (f: number, bw: number): number => 1 / (1 + ((freq - f) / bw) ** 2);
  return 0.15 + peak(f1, 120) + 0.7 * peak(f2, 160);
}

/**
 * A deterministic, clearly audible vowel-like signal whose length scales with the text: a glottal
 * pitch (≈120 Hz, slight intonation) with harmonics shaped by gliding vowel formants and a
 * syllable envelope that never drops below 35 % of the peak, so every 50 ms chunk carries energy.
 */
export function synthesizeSpeech(text: string, opts: SpeechSynthOptions): Int16Array {
  const durationMs = speechDurationMs(text, opts);
  const n = msToSamples(durationMs);
  const out = new Int16Array(n);
  const amplitude = opts.amplitude ?? 0.5;
  const syllableSamples = msToSamples(SYLLABLE_MS);
  const codes = text.length > 0 ? text : 'a';
  const vowelAt = (syllable: number): readonly [number, number] => {
    const code = codes.charCodeAt(syllable % codes.length) + syllable;
    return VOWELS[code % VOWELS.length] ?? [500, 1500];
  };
  const weights = new Float64Array(HARMONICS);
  let phase = 0;
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
    const syllable = Math.floor(blockStart / syllableSamples);
    const within = (blockStart % syllableSamples) / syllableSamples;
    const [a1, a2] = vowelAt(syllable);
    const [b1, b2] = vowelAt(syllable + 1);
    const f1 = a1 + (b1 - a1) * within;
    const f2 = a2 + (b2 - a2) * within;
    const t = blockStart / SAMPLE_RATE;
    const f0 = 120 + 18 * Math.sin(2 * Math.PI * 0.7 * t) - 10 * (blockStart / Math.max(1, n));
    let norm = 0;
    for (let h = 0; h < HARMONICS; h++) {
      const w = formantGain(f0 * (h + 1), f1, f2) / (h + 1) ** 0.6;
      weights[h] = w;
      norm += w;
    }
    const end = Math.min(n, blockStart + BLOCK);
    for (let i = blockStart; i < end; i++) {
      const pos = (i % syllableSamples) / syllableSamples;
      const env = 0.35 + 0.65 * Math.sin(Math.PI * pos);
      const fade = Math.min(1, i / 240, (n - i) / 240); // 10 ms fade in/out avoids clicks
      phase += (2 * Math.PI * f0) / SAMPLE_RATE;
      let v = 0;
      for (let h = 0; h < HARMONICS; h++) v += (weights[h] ?? 0) * Math.sin((h + 1) * phase);
      out[i] = Math.round((v / norm) * amplitude * 32767 * env * Math.max(0, fade));
    }
  }
  return out;
}
