// A phone line without the phone stack, for agent sessions in integration tests: a speaker that
// plays the agent's audio in real time (so playback lags the model when the model sends audio
// faster than real time, as OpenAI does) and a microphone that streams 20 ms frames continuously
// (silence, or speech when the test "says" something), like an open SIP line.
import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';

const RATE = 24_000;
const FRAME_MS = 20;
const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;

/** A loud 24 kHz tone: the emulator's voice detection takes it for speech. */
export function spokenTone(ms: number, frequencyHz = 220): Int16Array {
  const samples = new Int16Array(Math.round((RATE * ms) / 1000));
  for (let i = 0; i < samples.length; i += 1)
    samples[i] = Math.round(0.3 * 32_767 * Math.sin((2 * Math.PI * frequencyHz * i) / RATE));
  return samples;
}

export interface PlayedSegment {
  startedAt: number;
  endedAt: number;
  playedMs: number;
  interrupted: boolean;
}

/** Plays captured audio on the wall clock; `clearBuffer` stops it where it is. */
export class RealtimeSpeaker extends voice.AudioOutput {
  readonly segments: PlayedSegment[] = [];
  #segmentStart: number | null = null;
  #playEndAt = 0;
  /** Audio captured in the open segment: the position can never pass it. */
  #capturedMs = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor() {
    super(RATE);
  }

  /** Whether audio is audible at this moment. */
  get playing(): boolean {
    return this.#segmentStart !== null && Date.now() < this.#playEndAt;
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    const now = Date.now();
    if (this.#segmentStart === null) {
      this.#segmentStart = now;
      this.#playEndAt = now;
      this.#capturedMs = 0;
      this.onPlaybackStarted(now);
    }
    const ms = (frame.samplesPerChannel / frame.sampleRate) * 1000;
    this.#capturedMs += ms;
    this.#playEndAt = Math.max(this.#playEndAt, now) + ms;
  }

  override flush(): void {
    super.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#finish(false), Math.max(0, this.#playEndAt - Date.now()));
  }

  clearBuffer(): void {
    this.#finish(true);
  }

  #finish(interrupted: boolean): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const now = Date.now();
    const start = this.#segmentStart;
    const endedAt = start === null ? now : Math.min(now, this.#playEndAt);
    const playedMs = start === null ? 0 : Math.min(endedAt - start, this.#capturedMs);
    this.#segmentStart = null;
    if (this.pendingPlayoutSegments === 0) return;
    if (start !== null) this.segments.push({ startedAt: start, endedAt, playedMs, interrupted });
    this.onPlaybackFinished({ playbackPosition: playedMs / 1000, interrupted });
  }
}

/** Streams 20 ms frames every 20 ms: silence, or the queued speech. */
export class ScriptedMicrophone extends voice.AudioInput {
  #controller!: ReadableStreamDefaultController<AudioFrame>;
  #queue: Int16Array = new Int16Array(0);
  #waiters: Array<{ untilSamples: number; resolve: (at: number) => void }> = [];
  #sent = 0;
  readonly #timer: NodeJS.Timeout;

  constructor() {
    super();
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        start: (controller) => {
          this.#controller = controller;
        },
      }),
    );
    this.#timer = setInterval(() => this.#tick(), FRAME_MS);
  }

  /** Queues speech; resolves with the wall time its first and last frames were sent. */
  async say(pcm: Int16Array): Promise<{ startedAt: number; endedAt: number }> {
    const startsAt = this.#sent + this.#queue.length;
    const next = new Int16Array(this.#queue.length + pcm.length);
    next.set(this.#queue);
    next.set(pcm, this.#queue.length);
    this.#queue = next;
    const startedAt = await new Promise<number>((resolve) =>
      this.#waiters.push({ untilSamples: startsAt + 1, resolve }),
    );
    const endedAt = await new Promise<number>((resolve) =>
      this.#waiters.push({ untilSamples: startsAt + pcm.length, resolve }),
    );
    return { startedAt, endedAt };
  }

  #tick(): void {
    const frame = new Int16Array(FRAME_SAMPLES);
    const take = Math.min(FRAME_SAMPLES, this.#queue.length);
    frame.set(this.#queue.subarray(0, take));
    this.#queue = this.#queue.subarray(take);
    this.#sent += take;
    try {
      this.#controller.enqueue(new AudioFrame(frame, RATE, 1, FRAME_SAMPLES));
    } catch {
      return; // the session closed the stream
    }
    const now = Date.now();
    this.#waiters = this.#waiters.filter((w) => {
      if (this.#sent < w.untilSamples) return true;
      w.resolve(now);
      return false;
    });
  }

  override async close(): Promise<void> {
    clearInterval(this.#timer);
    await super.close();
  }
}
