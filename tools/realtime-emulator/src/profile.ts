// Timing profiles: how far from "ideal" the emulated service behaves. `ideal` is the emulator as it
// always was (no delays, synchronous transcription); `realistic` adds seeded model and network
// delays, streamed tool arguments, asynchronous (sometimes failing) input transcription and audio
// sent faster than real time, as OpenAI documents. Every random draw comes from a seeded PRNG, so a
// run is reproducible from its profile name and seed.
import type { AudioPacing } from './response-stream.js';

export type ProfileName = 'ideal' | 'realistic';

/** Inclusive range in ms (or a count); `min === max` is a constant. */
export interface Range {
  min: number;
  max: number;
}

export interface TimingProfile {
  name: ProfileName;
  seed: number;
  /** Model time from `response.create` (or end of speech) to the first output event. */
  firstOutputMs: Range;
  /** One-way network delay, applied to every client and every server event (RTT = twice this). */
  networkOneWayMs: Range;
  /** Second model delay: before the answer that follows a tool result. */
  toolReplyDelayMs: Range;
  /** Number of `response.function_call_arguments.delta` events per call. */
  argumentDeltas: Range;
  /** Commit → `input_audio_transcription.completed`/`.failed`. 0: synchronous, before the response. */
  transcriptionDelayMs: Range;
  /** Share of transcriptions that end in `.failed` (0..1). */
  transcriptionFailRate: number;
  /** Audio pacing; null keeps the scenario's (or the `audioPacing` option's). */
  pacing: AudioPacing | null;
  /** With `burst` pacing: audio is sent this many times faster than real time. */
  burstFactor: number;
  /** End of speech decided by the energy VAD, or by a model VAD (Silero) when one is supplied. */
  vad: 'energy' | 'model';
}

const zero: Range = { min: 0, max: 0 };

export const PROFILES: Record<ProfileName, Omit<TimingProfile, 'seed'>> = {
  ideal: {
    name: 'ideal',
    firstOutputMs: zero,
    networkOneWayMs: zero,
    toolReplyDelayMs: zero,
    argumentDeltas: { min: 1, max: 1 },
    transcriptionDelayMs: zero,
    transcriptionFailRate: 0,
    pacing: null,
    burstFactor: 4,
    vad: 'energy',
  },
  realistic: {
    name: 'realistic',
    // Stated ranges (see README "Profiles"): what OpenAI's Realtime API shows from a well-connected
    // server in our region; not measured here (no network to OpenAI from this machine).
    firstOutputMs: { min: 300, max: 800 },
    networkOneWayMs: { min: 30, max: 75 }, // 60–150 ms round trip
    toolReplyDelayMs: { min: 300, max: 800 },
    argumentDeltas: { min: 3, max: 6 },
    transcriptionDelayMs: { min: 150, max: 1500 },
    transcriptionFailRate: 0.1,
    pacing: 'burst',
    burstFactor: 4,
    vad: 'model',
  },
};

export type ProfileInput = ProfileName | (Partial<TimingProfile> & { name: ProfileName });

export function resolveProfile(input: ProfileInput | undefined, seed = 1): TimingProfile {
  if (input === undefined) return { ...PROFILES.ideal, seed };
  if (typeof input === 'string') return { ...PROFILES[input], seed };
  return { ...PROFILES[input.name], seed, ...input };
}

/** One line for startup banners and bench output. */
export function describeProfile(p: TimingProfile, vad: string): string {
  const r = (x: Range): string => (x.min === x.max ? `${x.min}` : `${x.min}-${x.max}`);
  if (p.name === 'ideal') return `profile ideal (no added delays; ${vad})`;
  return (
    `profile ${p.name} seed ${p.seed} (first output ${r(p.firstOutputMs)} ms, ` +
    `RTT ${2 * p.networkOneWayMs.min}-${2 * p.networkOneWayMs.max} ms, tool reply +${r(p.toolReplyDelayMs)} ms, ` +
    `${r(p.argumentDeltas)} argument deltas, transcription +${r(p.transcriptionDelayMs)} ms ` +
    `fails ${Math.round(p.transcriptionFailRate * 100)}%, audio ${p.pacing ?? 'scenario'}` +
    `${p.pacing === 'burst' ? ` ${p.burstFactor}x` : ''}; ${vad})`
  );
}

/** mulberry32: small, fast, good enough for jitter; the same seed gives the same draws. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The draws of one session: each session gets its own stream, derived from the seed. */
export interface Jitter {
  readonly profile: TimingProfile;
  draw(range: Range): number;
  chance(p: number): boolean;
}

export function createJitter(profile: TimingProfile, sessionIndex: number): Jitter {
  const rng = createRng(profile.seed * 7919 + sessionIndex);
  return {
    profile,
    draw: (range) =>
      range.max <= range.min ? range.min : Math.round(range.min + rng() * (range.max - range.min)),
    chance: (p) => p > 0 && rng() < p,
  };
}

/**
 * Runs callbacks after a delay while keeping their order (a later event never overtakes an earlier
 * one, as on one TCP connection). With no delay and nothing queued it runs synchronously, so the
 * ideal profile behaves exactly as before.
 */
export class OrderedDelay {
  #queue: Array<{ due: number; fn: () => void }> = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  run(delayMs: number, fn: () => void): void {
    if (this.#closed) return;
    const now = Date.now();
    if (delayMs <= 0 && this.#queue.length === 0) {
      fn();
      return;
    }
    const due = Math.max(now + delayMs, this.#queue.at(-1)?.due ?? 0);
    this.#queue.push({ due, fn });
    if (this.#timer === null) this.#arm();
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        const now = Date.now();
        while (!this.#closed && (this.#queue[0]?.due ?? Infinity) <= now) this.#queue.shift()!.fn();
        if (!this.#closed) this.#arm();
      },
      Math.max(0, head.due - Date.now()),
    );
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
    if (this.#timer) clearTimeout(this.#timer);
  }
}
