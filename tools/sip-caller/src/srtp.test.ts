import { describe, expect, it } from 'vitest';
import { encodeRtp, decodeRtp } from './rtp.js';
import { newSrtpKeyParams } from './sdes.js';
import { createSrtpTransform } from './srtp.js';

const ours = newSrtpKeyParams();
const theirs = newSrtpKeyParams();

function packet(seq: number): Buffer {
  return encodeRtp({
    payloadType: 0,
    sequenceNumber: seq,
    timestamp: seq * 160,
    ssrc: 0x11223344,
    marker: false,
    payload: Buffer.alloc(160, seq & 0xff),
  });
}

describe('SRTP (AES_CM_128_HMAC_SHA1_80, werift-rtp)', () => {
  it('encrypts what the far end decrypts with our key, and the other way round', () => {
    const caller = createSrtpTransform({ local: ours, remote: theirs });
    const farEnd = createSrtpTransform({ local: theirs, remote: ours });
    // Across a sequence number wrap: the rollover counter (RFC 3711 §3.3.1) goes on both sides.
    for (const seq of [65_534, 65_535, 0, 1]) {
      const plain = packet(seq);
      const protectedPacket = caller.protect(plain);
      expect(protectedPacket).toHaveLength(plain.length + 10); // 80-bit authentication tag
      expect(protectedPacket.subarray(0, 12)).toEqual(plain.subarray(0, 12)); // header in clear
      expect(protectedPacket.subarray(12, plain.length)).not.toEqual(plain.subarray(12));
      expect(farEnd.unprotect(protectedPacket)).toEqual(plain);
      const reply = packet(seq);
      expect(caller.unprotect(farEnd.protect(reply))).toEqual(reply);
    }
  });

  it('refuses plain RTP, tampered packets and packets under another key', () => {
    const farEnd = createSrtpTransform({ local: theirs, remote: ours });
    expect(() => farEnd.unprotect(packet(5))).toThrow();
    const good = createSrtpTransform({ local: ours, remote: theirs }).protect(packet(6));
    const tampered = Buffer.from(good);
    tampered[20]! ^= 1;
    expect(() => farEnd.unprotect(tampered)).toThrow();
    const stranger = createSrtpTransform({ local: newSrtpKeyParams(), remote: theirs });
    expect(() => farEnd.unprotect(stranger.protect(packet(7)))).toThrow();
    expect(decodeRtp(farEnd.unprotect(good)).sequenceNumber).toBe(6);
  });
});
