import { describe, expect, it } from 'vitest';
import { vadOptions } from './input-audio.js';

describe('server VAD options', () => {
  it('maps turn_detection to the energy VAD, semantic eagerness to a silence length', () => {
    expect(vadOptions({ type: 'server_vad' })).toEqual({
      threshold: 0.5,
      prefixPaddingMs: 300,
      silenceDurationMs: 500,
      minSpeechMs: 60,
    });
    const silenceFor = (eagerness?: 'low' | 'medium' | 'high' | 'auto') =>
      vadOptions({ type: 'semantic_vad', eagerness, silence_duration_ms: 50 }).silenceDurationMs;
    expect([silenceFor('low'), silenceFor('medium'), silenceFor(), silenceFor('high')]).toEqual([
      1000, 600, 600, 300,
    ]);
  });
});
