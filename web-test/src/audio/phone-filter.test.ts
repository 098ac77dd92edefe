import { describe, expect, it } from 'vitest';
import {
  bandEnergy,
  createPhoneBandFilter,
  mulawDecode,
  mulawEncode,
  mulawRoundTrip,
  phoneBandLimit,
  tonePower,
} from './phone-filter';

function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5) {
  const samples = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++)
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return samples;
}

/** The steady-state part of a buffer (the filters' start-up transient cut off). */
const steady = (samples: Float32Array, skip = 2048, length = 2048) =>
  samples.subarray(skip, skip + length);

const db = (ratio: number) => 10 * Math.log10(ratio);

describe('μ-law (G.711)', () => {
  it('matches the reference encoder at known points', () => {
    expect(mulawEncode(0)).toBe(0xff);
    expect(mulawEncode(-1)).toBe(0x7f);
    expect(mulawEncode(32767)).toBe(0x80);
    expect(mulawEncode(-32768)).toBe(0x00);
    expect(mulawDecode(0xff)).toBe(0);
    expect(mulawDecode(0x80)).toBe(32124);
    expect(mulawDecode(0x00)).toBe(-32124);
  });

  it('round-trips every code (0x7f is negative zero and decodes to 0)', () => {
    for (let byte = 0; byte < 256; byte++) {
      if (byte === 0x7f) continue;
      expect(mulawEncode(mulawDecode(byte))).toBe(byte);
    }
    expect(mulawDecode(0x7f)).toBe(0);
  });

  it('keeps the error within half a quantization step of the segment', () => {
    for (let pcm = -32000; pcm <= 32000; pcm += 37) {
      const code = mulawEncode(pcm);
      const exponent = (~code >> 4) & 0x07;
      const decoded = mulawDecode(code);
      expect(Math.abs(decoded - pcm)).toBeLessThanOrEqual(2 ** (exponent + 2));
      expect(Math.sign(decoded) === Math.sign(pcm) || decoded === 0).toBe(true);
    }
    expect(mulawRoundTrip(0.25)).toBeCloseTo(0.25, 2);
    expect(mulawRoundTrip(-0.6)).toBeCloseTo(-0.6, 1);
  });
});

describe('phone-band filter', () => {
  for (const sampleRate of [48_000, 44_100]) {
    it(`leaves almost no energy above 4 kHz for a 6 kHz tone (${sampleRate} Hz)`, () => {
      const input = tone(6000, sampleRate, 0.2);
      const output = phoneBandLimit(input, sampleRate);
      const inputEnergy = bandEnergy(steady(input), sampleRate, 0, sampleRate / 2);
      const above = bandEnergy(steady(output), sampleRate, 4000, sampleRate / 2);
      expect(db(above / inputEnergy)).toBeLessThan(-40);
      expect(db(tonePower(steady(output), 6000, sampleRate) / 0.0625)).toBeLessThan(-45);
    });

    it(`passes a 1 kHz tone at about unity gain (${sampleRate} Hz)`, () => {
      const input = tone(1000, sampleRate, 0.2);
      const output = phoneBandLimit(input, sampleRate);
      const gain = db(
        tonePower(steady(output), 1000, sampleRate) / tonePower(steady(input), 1000, sampleRate),
      );
      expect(Math.abs(gain)).toBeLessThan(1);
    });
  }

  it('gives the same result block by block as in one go (128-sample worklet blocks)', () => {
    const input = tone(1500, 48_000, 0.05);
    const whole = phoneBandLimit(input, 48_000);
    const filter = createPhoneBandFilter(48_000);
    const blocks = new Float32Array(input.length);
    for (let at = 0; at < input.length; at += 128) {
      const end = Math.min(at + 128, input.length);
      filter.process(input.subarray(at, end), blocks.subarray(at, end));
    }
    expect(Array.from(blocks)).toEqual(Array.from(whole));
  });

  it('quantizes through μ-law (the output differs from the μ-law-free path)', () => {
    const input = tone(700, 48_000, 0.05, 0.3);
    const withMulaw = phoneBandLimit(input, 48_000);
    const without = phoneBandLimit(input, 48_000, { mulaw: false });
    const difference = withMulaw.some((value, i) => Math.abs(value - without[i]!) > 1e-5);
    expect(difference).toBe(true);
    expect(withMulaw.every(Number.isFinite)).toBe(true);
  });
});
