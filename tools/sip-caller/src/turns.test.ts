import { describe, expect, it } from 'vitest';
import { concatPcm16, silence, tone } from './audio.js';
import { trimTrailingSilence } from './turns.js';

describe('trimTrailingSilence', () => {
  it('cuts the quiet packets after the speech, keeping leading silence', () => {
    const speech = concatPcm16([silence(100), tone(200, 500), silence(300)]);
    expect(trimTrailingSilence(speech).length).toBe(((100 + 500) * 8000) / 1000);
  });

  it('returns nothing for silence', () => {
    expect(trimTrailingSilence(silence(200)).length).toBe(0);
  });
});
