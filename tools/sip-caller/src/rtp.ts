// RTP fixed header (RFC 3550 §5.1) encoding/decoding and sequence-number extension (§A.1).

export const RTP_VERSION = 2;
export const RTP_HEADER_BYTES = 12;

export interface RtpPacket {
  version: number;
  padding: boolean;
  extension: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  /** Header extension (profile-defined id and data), if the X bit is set. */
  headerExtension?: { profile: number; data: Buffer };
  payload: Buffer;
}

export interface RtpPacketInput {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc?: number[];
  payload: Uint8Array;
}

export class RtpError extends Error {
  override name = 'RtpError';
}

export function encodeRtp(input: RtpPacketInput): Buffer {
  const csrc = input.csrc ?? [];
  if (csrc.length > 15) throw new RtpError('at most 15 CSRCs');
  if (input.payloadType < 0 || input.payloadType > 127) throw new RtpError('payload type 0..127');
  const header = Buffer.alloc(RTP_HEADER_BYTES + csrc.length * 4);
  header[0] = (RTP_VERSION << 6) | csrc.length;
  header[1] = (input.marker ? 0x80 : 0) | input.payloadType;
  header.writeUInt16BE(input.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(input.timestamp >>> 0, 4);
  header.writeUInt32BE(input.ssrc >>> 0, 8);
  csrc.forEach((c, i) => header.writeUInt32BE(c >>> 0, RTP_HEADER_BYTES + i * 4));
  return Buffer.concat([header, input.payload]);
}

export function decodeRtp(buf: Buffer): RtpPacket {
  if (buf.length < RTP_HEADER_BYTES) throw new RtpError(`packet too short (${buf.length} bytes)`);
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) throw new RtpError(`unsupported RTP version ${version}`);
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const cc = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + cc * 4;
  if (buf.length < offset) throw new RtpError('packet shorter than its CSRC list');
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++) csrc.push(buf.readUInt32BE(RTP_HEADER_BYTES + i * 4));
  let headerExtension: RtpPacket['headerExtension'];
  if (extension) {
    if (buf.length < offset + 4) throw new RtpError('packet shorter than its header extension');
    const profile = buf.readUInt16BE(offset);
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + words * 4;
    if (buf.length < end) throw new RtpError('header extension exceeds packet');
    headerExtension = { profile, data: Buffer.from(buf.subarray(offset + 4, end)) };
    offset = end;
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1] ?? 0;
    if (pad === 0 || offset + pad > buf.length) throw new RtpError('invalid padding');
    end -= pad;
  }
  const packet: RtpPacket = {
    version,
    padding,
    extension,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrc,
    payload: Buffer.from(buf.subarray(offset, end)),
  };
  if (headerExtension) packet.headerExtension = headerExtension;
  return packet;
}

/**
 * Extends 16-bit sequence numbers across wrap-around (RFC 3550 §A.1, simplified: a jump of
 * more than half the space backwards counts as a wrap forwards and vice versa).
 */
export class SequenceExtender {
  private last: number | undefined;

  extend(seq: number): number {
    if (this.last === undefined) {
      this.last = seq;
      return seq;
    }
    const lastLow = ((this.last % 0x10000) + 0x10000) % 0x10000;
    let delta = seq - lastLow;
    if (delta < -0x8000) delta += 0x10000;
    else if (delta > 0x8000) delta -= 0x10000;
    const extended = this.last + delta;
    if (extended > this.last) this.last = extended;
    return extended;
  }
}
