import { describe, expect, it } from 'vitest';
import { linearToMulaw, mulawToLinear, mulawToPcm16, pcm16ToMulaw, MULAW_SILENCE } from './g711.js';

describe('G.711 μ-law', () => {
  it('decodes the reconstruction levels of ITU-T G.711 (14-bit values x4 in 16 bits)', () => {
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x7f)).toBe(0); // negative zero
    expect(mulawToLinear(0xfe)).toBe(2 * 4); // segment 0, step 2
    expect(mulawToLinear(0xf0)).toBe(30 * 4); // top of segment 0
    expect(mulawToLinear(0xef)).toBe(33 * 4); // first level of segment 1
    expect(mulawToLinear(0x80)).toBe(8031 * 4); // largest positive level
    expect(mulawToLinear(0x00)).toBe(-8031 * 4);
    expect(mulawToLinear(0x7e)).toBe(-2 * 4);
  });

  it('encodes known samples like the reference encoder', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(MULAW_SILENCE).toBe(0xff);
    expect(linearToMulaw(-1)).toBe(0x7f);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(linearToMulaw(8)).toBe(0xfe);
    expect(linearToMulaw(132)).toBe(0xef);
  });

  it('round-trips every code (0x7F, negative zero, becomes 0xFF)', () => {
    for (let code = 0; code < 256; code++) {
      expect(linearToMulaw(mulawToLinear(code))).toBe(code === 0x7f ? 0xff : code);
    }
  });

  it('quantizes every 16-bit sample within half a step of its segment', () => {
    for (let x = -32768; x <= 32767; x++) {
      const code = linearToMulaw(x);
      const exponent = ((~code & 0xff) >> 4) & 0x07;
      const error = Math.abs(mulawToLinear(code) - x);
      if (Math.abs(x) <= 32635) expect(error).toBeLessThanOrEqual(4 << exponent);
    }
  });

  it('converts buffers both ways', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const bytes = pcm16ToMulaw(pcm);
    expect(bytes).toHaveLength(5);
    const back = mulawToPcm16(bytes);
    expect(Array.from(back)).toEqual(Array.from(pcm).map((s) => mulawToLinear(linearToMulaw(s))));
    // Encoding decoded audio again is lossless (what an echo returns is bit-exact).
    expect(pcm16ToMulaw(back).equals(bytes)).toBe(true);
  });
});
