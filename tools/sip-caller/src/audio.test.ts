import { describe, expect, it } from 'vitest';
import { firstAudibleMs, rmsDbfs, silence, tone, type ReceivedPacket } from './audio.js';

function packet(at: number, dbfs: number): ReceivedPacket {
  return {
    at,
    dbfs,
    sequenceNumber: 0,
    extendedSequence: 0,
    timestamp: 0,
    ssrc: 0,
    marker: false,
    payloadType: 0,
    samples: new Int16Array(160),
  };
}

describe('audio analysis', () => {
  it('measures RMS in dBFS', () => {
    expect(rmsDbfs(silence(20))).toBe(-120);
    expect(rmsDbfs(new Int16Array(0))).toBe(-120);
    expect(rmsDbfs(new Int16Array(160).fill(-32768))).toBeCloseTo(0, 5);
    expect(rmsDbfs(tone(1000, 100, 0.5))).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
  });

  it('finds the first audible packet, optionally after a time and for a run of packets', () => {
    const packets = [
      packet(0, -120),
      packet(20, -30),
      packet(40, -90),
      packet(60, -20),
      packet(80, -25),
    ];
    expect(firstAudibleMs(packets, -40)).toBe(20);
    expect(firstAudibleMs({ sampleRate: 8000, packets, pcm: new Int16Array(0) }, -40)).toBe(20);
    expect(firstAudibleMs(packets, -40, { after: 30 })).toBe(60);
    expect(firstAudibleMs(packets, -40, { minPackets: 2 })).toBe(60);
    expect(firstAudibleMs(packets, -10)).toBeUndefined();
  });
});
