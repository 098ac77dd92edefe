// Energy-based voice activity detection standing in for OpenAI's server VAD.
import { SAMPLE_RATE, rms, rmsToDbfs } from './audio.js';

export interface EnergyVadOptions {
  /**
   * OpenAI's `turn_detection.threshold` (0..1). Mapped to an RMS level of
   * `-55 + 40 * threshold` dBFS, so the default 0.5 means -35 dBFS.
   */
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
  /** Consecutive voiced audio needed before speech counts as started. */
  minSpeechMs: number;
}

export type VadEvent =
  { type: 'speech_started'; audioStartMs: number } | { type: 'speech_stopped'; audioEndMs: number };

const WINDOW_MS = 20;
const WINDOW_SAMPLES = (SAMPLE_RATE * WINDOW_MS) / 1000;

export function thresholdToDbfs(threshold: number): number {
  return -55 + 40 * Math.min(1, Math.max(0, threshold));
}

/**
 * Feed PCM16 samples in arrival order; timestamps are milliseconds of audio since the session's
 * first append (the clock OpenAI uses for `audio_start_ms` / `audio_end_ms`).
 */
export class EnergyVad {
  readonly #opts: EnergyVadOptions;
  readonly #thresholdDbfs: number;
  #pending: number[] = [];
  #clockMs = 0;
  #speaking = false;
  #voicedRunMs = 0;
  #voicedRunStartMs = 0;
  #silenceMs = 0;

  constructor(opts: EnergyVadOptions) {
    this.#opts = opts;
    this.#thresholdDbfs = thresholdToDbfs(opts.threshold);
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Forget any speech in progress (after a commit or clear); the clock keeps running. */
  reset(): void {
    this.#speaking = false;
    this.#voicedRunMs = 0;
    this.#silenceMs = 0;
  }

  /** Advances the clock by `ms` without analysing audio (audio appended while the VAD is off). */
  skip(ms: number): void {
    this.#clockMs += ms;
  }

  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    for (const s of samples) this.#pending.push(s);
    let offset = 0;
    while (this.#pending.length - offset >= WINDOW_SAMPLES) {
      const win = Int16Array.from(this.#pending.slice(offset, offset + WINDOW_SAMPLES));
      offset += WINDOW_SAMPLES;
      const windowStartMs = this.#clockMs;
      this.#clockMs += WINDOW_MS;
      const voiced = rmsToDbfs(rms(win)) >= this.#thresholdDbfs;
      if (!this.#speaking) {
        if (voiced) {
          if (this.#voicedRunMs === 0) this.#voicedRunStartMs = windowStartMs;
          this.#voicedRunMs += WINDOW_MS;
          if (this.#voicedRunMs >= this.#opts.minSpeechMs) {
            this.#speaking = true;
            this.#silenceMs = 0;
            events.push({
              type: 'speech_started',
              audioStartMs: Math.max(0, this.#voicedRunStartMs - this.#opts.prefixPaddingMs),
            });
          }
        } else {
          this.#voicedRunMs = 0;
        }
      } else if (voiced) {
        this.#silenceMs = 0;
      } else {
        this.#silenceMs += WINDOW_MS;
        if (this.#silenceMs >= this.#opts.silenceDurationMs) {
          this.#speaking = false;
          this.#voicedRunMs = 0;
          this.#silenceMs = 0;
          events.push({ type: 'speech_stopped', audioEndMs: this.#clockMs });
        }
      }
    }
    this.#pending = this.#pending.slice(offset);
    return events;
  }
}

/** A turn-taking VAD as the input buffer uses it: events arrive through the callback. */
export interface TurnVad {
  push(samples: Int16Array): void;
  reset(): void;
  skip(ms: number): void;
  close(): void;
}

/**
 * Builds the VAD of one session. The energy VAD is the default (cheap: load tests use it); a model
 * VAD (silero-vad.ts) can be supplied for the realistic profile. Events must carry the audio clock
 * (ms of input audio since the first append), not wall time.
 */
export type TurnVadFactory = (opts: EnergyVadOptions, onEvent: (ev: VadEvent) => void) => TurnVad;

export const energyVadFactory: TurnVadFactory = (opts, onEvent) => {
  const vad = new EnergyVad(opts);
  return {
    push: (samples) => {
      for (const ev of vad.push(samples)) onEvent(ev);
    },
    reset: () => vad.reset(),
    skip: (ms) => vad.skip(ms),
    close: () => undefined,
  };
};
