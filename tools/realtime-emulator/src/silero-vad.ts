// The model VAD of the realistic profile: LiveKit's Silero plugin (the VAD our agent itself loads)
// deciding speech start and end on the caller's audio, instead of the energy threshold in vad.ts.
// Silero is what OpenAI's server_vad is widely assumed to resemble (a small neural VAD with a
// probability threshold, prefix padding and a silence window); it is not OpenAI's model.
//
// Loaded on demand: `@livekit/agents-plugin-silero` is a dependency of the agent workspace, not of
// this package (adding it here would change package-lock.json), so the import resolves through the
// monorepo's hoisted node_modules. The model file ships inside the plugin and loads offline.
import { AudioFrame } from '@livekit/rtc-node';
import type { EnergyVadOptions, TurnVad, TurnVadFactory, VadEvent } from './vad.js';

const SAMPLE_RATE = 24_000;

/** Loads the Silero model once; every session gets its own stream on it. */
export async function createSileroVadFactory(): Promise<TurnVadFactory> {
  const agents = await import('@livekit/agents');
  try {
    agents.log();
  } catch {
    // The plugin logs through the framework's logger, which must exist first.
    agents.initializeLogger({ pretty: false, level: 'warn' });
  }
  const silero = await import('@livekit/agents-plugin-silero');
  const model = await silero.VAD.load({ forceCPU: true });
  return (opts: EnergyVadOptions, onEvent: (ev: VadEvent) => void): TurnVad => {
    const stream = model.stream() as InstanceType<typeof silero.VADStream>;
    stream.updateOptions({
      activationThreshold: opts.threshold,
      prefixPaddingDuration: opts.prefixPaddingMs / 1000,
      minSilenceDuration: opts.silenceDurationMs / 1000,
      minSpeechDuration: opts.minSpeechMs / 1000,
    });
    /** Audio clock (ms) where this stream's audio starts: audio appended before the VAD existed. */
    let offsetMs = 0;
    let closed = false;
    void (async () => {
      try {
        for await (const ev of stream) {
          if (closed) break;
          // samplesIndex counts samples at the model's rate (16 kHz) since the stream began.
          const atMs = offsetMs + (ev.samplesIndex / 16_000) * 1000;
          if (ev.type === agents.VADEventType.START_OF_SPEECH) {
            onEvent({
              type: 'speech_started',
              audioStartMs: Math.max(0, atMs - ev.speechDuration - opts.prefixPaddingMs),
            });
          } else if (ev.type === agents.VADEventType.END_OF_SPEECH) {
            onEvent({ type: 'speech_stopped', audioEndMs: atMs });
          }
        }
      } catch {
        // The stream was closed with the session.
      }
    })();
    return {
      push: (samples) => {
        if (closed || samples.length === 0) return;
        stream.pushFrame(new AudioFrame(samples, SAMPLE_RATE, 1, samples.length));
      },
      // Silero keeps its own speech state; a commit needs nothing forgotten here.
      reset: () => undefined,
      skip: (ms) => {
        offsetMs += ms;
      },
      close: () => {
        if (closed) return;
        closed = true;
        stream.close();
      },
    };
  };
}
