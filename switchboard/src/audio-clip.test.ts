import { describe, expect, it } from 'vitest';
import { CLIPS, readClip } from './audio-clip.js';

describe('audio clips', () => {
  it('reads the line-down apology: mono 16-bit, a few seconds, not silent', async () => {
    const clip = await readClip(CLIPS.lineDown);
    expect(clip.sampleRate).toBe(8_000);
    const seconds = clip.samples.length / clip.sampleRate;
    expect(seconds).toBeGreaterThan(3);
    expect(seconds).toBeLessThan(7);
    expect(Math.max(...clip.samples.slice(0, 24_000).map(Math.abs))).toBeGreaterThan(5_000);
  });
});
