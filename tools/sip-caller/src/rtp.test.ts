import { describe, expect, it } from 'vitest';
import { decodeRtp, encodeRtp, RtpError, SequenceExtender } from './rtp.js';

describe('RTP header (RFC 3550 §5.1)', () => {
  it('encodes the fixed header fields bit-exactly', () => {
    const buf = encodeRtp({
      marker: true,
      payloadType: 0,
      sequenceNumber: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      payload: Buffer.from([0xff, 0xfe]),
    });
    expect([...buf]).toEqual([
      0x80, // V=2, P=0, X=0, CC=0
      0x80, // M=1, PT=0
      0x12,
      0x34,
      0xde,
      0xad,
      0xbe,
      0xef,
      0x01,
      0x02,
      0x03,
      0x04,
      0xff,
      0xfe,
    ]);
    const dtmf = encodeRtp({
      payloadType: 101,
      sequenceNumber: 0x1ffff,
      timestamp: 2 ** 32 + 5,
      ssrc: 1,
      payload: Buffer.alloc(4),
    });
    expect(dtmf[1]).toBe(101); // M=0
    expect(dtmf.readUInt16BE(2)).toBe(0xffff); // wrapped to 16 bits
    expect(dtmf.readUInt32BE(4)).toBe(5); // wrapped to 32 bits
  });

  it('decodes CSRCs, header extensions and padding', () => {
    const payload = Buffer.from([1, 2, 3]);
    const raw = Buffer.concat([
      Buffer.from([0xb1, 0x00, 0x00, 0x07, 0, 0, 0, 160, 0xaa, 0xbb, 0xcc, 0xdd]), // P, X, CC=1
      Buffer.from([0, 0, 0, 9]), // CSRC
      Buffer.from([0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4]), // extension, 1 word
      payload,
      Buffer.from([0, 0, 3]), // 3 bytes of padding
    ]);
    const p = decodeRtp(raw);
    expect(p).toMatchObject({
      version: 2,
      padding: true,
      extension: true,
      marker: false,
      payloadType: 0,
      sequenceNumber: 7,
      timestamp: 160,
      ssrc: 0xaabbccdd,
      csrc: [9],
      headerExtension: { profile: 0xbede },
    });
    expect([...p.payload]).toEqual([1, 2, 3]);
  });

  it('round-trips and rejects malformed packets', () => {
    const buf = encodeRtp({
      payloadType: 8,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      csrc: [4, 5],
      payload: Buffer.from('hi'),
    });
    expect(decodeRtp(buf)).toMatchObject({
      payloadType: 8,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      csrc: [4, 5],
    });
    expect(() => decodeRtp(Buffer.alloc(11))).toThrow(RtpError);
    expect(() => decodeRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(
      /version/,
    );
    expect(() => decodeRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(
      /padding/,
    );
  });

  it('extends sequence numbers across wrap-around', () => {
    const ext = new SequenceExtender();
    expect([65534, 65535, 0, 1, 65535, 2].map((s) => ext.extend(s))).toEqual([
      65534, 65535, 65536, 65537, 65535, 65538,
    ]);
  });
});
