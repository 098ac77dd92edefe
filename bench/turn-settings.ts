// The benchmarks' turn flags (who ends the caller's turn, after how much silence), shared by the
// voice and concurrency benchmarks. Unset flags take the agent's own defaults, read through the
// agent's config parser (so they are never restated here, and a bad flag fails with the agent's
// own message); the agent then gets every value explicitly, so what a run reports is what it ran.
import { loadConfig } from '@ecommerce-voicebot/agent';

export const turnFlags = {
  'turn-detection': { type: 'string' },
  'vad-min-silence-ms': { type: 'string' },
  'endpointing-min-delay-ms': { type: 'string' },
} as const;

export interface TurnSettings {
  /** For the agent's environment. */
  env: Record<string, string>;
  /** What the agent runs with, defaults included, for the JSON summary. */
  report: { turn_detection: string; vad_min_silence_ms: number; endpointing_min_delay_ms: number };
}

export function turnSettings(values: {
  'turn-detection'?: string;
  'vad-min-silence-ms'?: string;
  'endpointing-min-delay-ms'?: string;
}): TurnSettings {
  const given = {
    TURN_DETECTION: values['turn-detection'],
    VAD_MIN_SILENCE_MS: values['vad-min-silence-ms'],
    ENDPOINTING_MIN_DELAY_MS: values['endpointing-min-delay-ms'],
  };
  // Offline mode with a placeholder endpoint: only the turn settings are read.
  const config = loadConfig({
    AGENT_MODE: 'offline',
    OPENAI_BASE_URL: 'http://127.0.0.1',
    ...given,
  });
  return {
    env: {
      TURN_DETECTION: config.turnDetection,
      VAD_MIN_SILENCE_MS: String(config.vadMinSilenceMs),
      ENDPOINTING_MIN_DELAY_MS: String(config.endpointingMinDelayMs),
    },
    report: {
      turn_detection: config.turnDetection,
      vad_min_silence_ms: config.vadMinSilenceMs,
      endpointing_min_delay_ms: config.endpointingMinDelayMs,
    },
  };
}
