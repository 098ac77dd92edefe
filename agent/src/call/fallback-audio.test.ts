import { describe, expect, it } from 'vitest';
import { FALLBACK_CLIPS, readWavClip } from './fallback-audio.js';

describe('fallback clips', () => {
  it.each(Object.entries(FALLBACK_CLIPS))(
    '%s is audible mono PCM, a word or more',
    async (_name, path) => {
      const clip = await readWavClip(path);
      expect(clip.sampleRate).toBe(16_000);
      const seconds = clip.samples.length / clip.sampleRate;
      expect(seconds).toBeGreaterThan(0.3);
      expect(seconds).toBeLessThan(12);
      let sum = 0;
      for (const sample of clip.samples) sum += sample * sample;
      const rmsDbfs = 20 * Math.log10(Math.sqrt(sum / clip.samples.length) / 32768);
      expect(rmsDbfs).toBeGreaterThan(-30);
    },
  );

  it('refuses what is not a mono 16-bit WAV', async () => {
    await expect(readWavClip(new URL('./fallback-audio.ts', import.meta.url))).rejects.toThrow(
      'not a WAV file',
    );
  });
});
