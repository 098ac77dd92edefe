import { describe, expect, it } from 'vitest';
import { turnSettings } from './turn-settings.js';

describe('benchmark turn flags', () => {
  it("takes the agent's defaults for flags not given, and passes every value on", () => {
    expect(turnSettings({ 'vad-min-silence-ms': '550' })).toEqual({
      env: { TURN_DETECTION: 'server', VAD_MIN_SILENCE_MS: '550', ENDPOINTING_MIN_DELAY_MS: '300' },
      report: { turn_detection: 'server', vad_min_silence_ms: 550, endpointing_min_delay_ms: 300 },
    });
  });

  it("refuses a bad flag with the agent's own message", () => {
    expect(() => turnSettings({ 'turn-detection': 'psychic' })).toThrow('TURN_DETECTION');
  });
});
