// One call's RTP endpoint: an even UDP port for RTP (the odd one above it is held for RTCP),
// a 20 ms pacer that sends a packet every tick from answer to hangup, and the receive side that
// decodes PCMU and RFC 4733 events.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import {
  concatPcm16,
  PACKET_MS,
  rmsDbfs,
  type ReceivedAudio,
  type ReceivedPacket,
} from './audio.js';
import { DtmfDetector, type DetectedDtmf } from './dtmf.js';
import { mulawToPcm16 } from './g711.js';
import type { SipCallerLogger } from './logger.js';
import type { OutgoingMedia, OutgoingPacket } from './outgoing.js';
import { decodeRtp, SequenceExtender } from './rtp.js';
import type { NegotiatedAudio } from './sdp.js';
import type { SrtpTransform } from './srtp.js';

export interface PortRange {
  min: number;
  max: number;
}

export interface RtpSessionOptions {
  /** SRTP: nothing is sent or taken as audio without the SRTP context (setSrtp). */
  encrypted?: boolean;
  localAddress: string;
  portRange: PortRange;
  logger: SipCallerLogger;
  now: () => number;
  /** The outgoing stream (created by the call so audio can be queued before the answer). */
  outgoing: OutgoingMedia;
  /** Payload types we offered (what we receive): PCMU and telephone-event. */
  localAudioPayloadType?: number;
  localDtmfPayloadType?: number;
}

export interface SentPacketRecord {
  at: number;
  kind: OutgoingPacket['kind'];
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  payloadType: number;
  payload: Buffer;
}

export interface RtpStats {
  packetsSent: number;
  packetsReceived: number;
  /**
   * Packets that were not RTP (with SRTP: that did not authenticate), or had a payload type we did
   * not offer.
   */
  packetsIgnored: number;
  firstSentAt?: number;
  lastSentAt?: number;
  firstReceivedAt?: number;
  lastReceivedAt?: number;
  /** Ticks the pacer skipped because the event loop fell behind by more than 100 ms. */
  ticksSkipped: number;
}

function bindUdp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Binds an even RTP port and the RTCP port above it, trying the range from a random start. */
async function bindPair(address: string, range: PortRange): Promise<{ rtp: Socket; rtcp: Socket }> {
  const first = range.min + (range.min % 2);
  const count = Math.floor((range.max - 1 - first) / 2) + 1;
  if (count <= 0)
    throw new Error(`RTP port range ${range.min}-${range.max} holds no even/odd pair`);
  const start = randomInt(count);
  let lastError: unknown;
  for (let i = 0; i < count; i++) {
    const port = first + ((start + i) % count) * 2;
    let rtp: Socket | undefined;
    try {
      rtp = await bindUdp(address, port);
      const rtcp = await bindUdp(address, port + 1);
      return { rtp, rtcp };
    } catch (err) {
      rtp?.close();
      lastError = err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    }
  }
  throw new Error(
    `no free RTP port pair in ${range.min}-${range.max} on ${address}: ${String(lastError)}`,
  );
}

export class RtpSession {
  readonly port: number;
  readonly outgoing: OutgoingMedia;
  readonly stats: RtpStats = {
    packetsSent: 0,
    packetsReceived: 0,
    packetsIgnored: 0,
    ticksSkipped: 0,
  };
  readonly packets: ReceivedPacket[] = [];
  private readonly encrypted: boolean;
  private srtp: SrtpTransform | undefined;
  readonly sentPackets: SentPacketRecord[] = [];

  private readonly rtp: Socket;
  private readonly rtcp: Socket;
  private readonly logger: SipCallerLogger;
  private readonly now: () => number;
  private readonly localAudioPt: number;
  private readonly localDtmfPt: number;
  private readonly extenders = new Map<number, SequenceExtender>();
  private readonly dtmf = new DtmfDetector();
  private readonly packetListeners = new Set<(p: ReceivedPacket) => void>();
  private readonly dtmfListeners = new Set<(d: DetectedDtmf) => void>();
  private remote: { address: string; port: number } | undefined;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private nextDue = 0;
  private closed = false;

  private constructor(sockets: { rtp: Socket; rtcp: Socket }, options: RtpSessionOptions) {
    this.rtp = sockets.rtp;
    this.rtcp = sockets.rtcp;
    this.port = sockets.rtp.address().port;
    this.logger = options.logger;
    this.now = options.now;
    this.localAudioPt = options.localAudioPayloadType ?? 0;
    this.localDtmfPt = options.localDtmfPayloadType ?? 101;
    this.encrypted = options.encrypted ?? false;
    this.outgoing = options.outgoing;
    this.rtp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    this.rtp.on('error', (err) => this.logger.warn({ err: err.message }, 'RTP socket error'));
    // RTCP is not implemented: the port is held so the peer's reports are not answered with ICMP.
    this.rtcp.on('message', () => undefined);
    this.rtcp.on('error', () => undefined);
  }

  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    return new RtpSession(await bindPair(options.localAddress, options.portRange), options);
  }

  onPacket(listener: (p: ReceivedPacket) => void): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  onDtmf(listener: (d: DetectedDtmf) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  /** The SRTP context: every packet from here on is protected, and every one received checked. */
  setSrtp(transform: SrtpTransform): void {
    this.srtp = transform;
  }

  /** Applies the negotiated media and starts (or keeps) the 20 ms stream towards the peer. */
  start(media: NegotiatedAudio): void {
    if (this.closed) return;
    if (this.encrypted && !this.srtp) throw new Error('SRTP session without an SRTP context');
    this.remote = { address: media.remoteAddress, port: media.remotePort };
    this.outgoing.setPayloadTypes(media.audioPayloadType, media.dtmfPayloadType);
    if (media.ptime !== undefined && media.ptime !== PACKET_MS) {
      this.logger.warn({ ptime: media.ptime }, 'remote asked for another ptime; sending 20 ms');
    }
    if (!media.send) {
      this.stopSending();
      return;
    }
    if (this.sending) return;
    this.sending = true;
    this.nextDue = performance.now();
    this.tick();
  }

  stopSending(): void {
    this.sending = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopSending();
    this.outgoing.clear();
    this.rtp.close();
    this.rtcp.close();
  }

  received(): ReceivedAudio {
    const seen = new Set<string>();
    const parts: Int16Array[] = [];
    for (const p of this.packets) {
      const key = `${p.ssrc}:${p.extendedSequence}`;
      if (seen.has(key)) continue;
      seen.add(key);
      parts.push(p.samples);
    }
    return { sampleRate: 8000, packets: [...this.packets], pcm: concatPcm16(parts) };
  }

  private tick = (): void => {
    if (!this.sending || this.closed) return;
    const nowPerf = performance.now();
    let burst = 0;
    while (this.nextDue <= nowPerf && burst < 5) {
      this.sendOne();
      this.nextDue += PACKET_MS;
      burst++;
    }
    if (this.nextDue + 100 <= nowPerf) {
      // More than 100 ms behind (a blocked event loop): skip instead of bursting.
      const behind = Math.floor((nowPerf - this.nextDue) / PACKET_MS);
      this.outgoing.skip(behind);
      this.stats.ticksSkipped += behind;
      this.nextDue += behind * PACKET_MS;
    }
    this.timer = setTimeout(this.tick, Math.max(0, this.nextDue - performance.now()));
  };

  private sendOne(): void {
    const remote = this.remote;
    if (!remote) return;
    const packet = this.outgoing.next();
    const at = this.now();
    const datagram = this.srtp ? this.srtp.protect(packet.datagram) : packet.datagram;
    this.rtp.send(datagram, remote.port, remote.address, (err) => {
      if (err && !this.closed) this.logger.warn({ err: err.message }, 'RTP send failed');
    });
    this.stats.packetsSent++;
    this.stats.firstSentAt ??= at;
    this.stats.lastSentAt = at;
    this.sentPackets.push({
      at,
      kind: packet.kind,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      marker: packet.marker,
      payloadType: packet.payloadType,
      payload: packet.payload,
    });
  }

  private extend(ssrc: number, seq: number): number {
    let extender = this.extenders.get(ssrc);
    if (!extender) {
      extender = new SequenceExtender();
      this.extenders.set(ssrc, extender);
    }
    return extender.extend(seq);
  }

  private onDatagram(msg: Buffer, rinfo: { address: string; port: number }): void {
    const at = this.now();
    let packet;
    try {
      if (this.encrypted) {
        // Plain RTP, or SRTP under another key, never counts as heard audio.
        if (!this.srtp) throw new Error('SRTP packet before the SRTP context');
        msg = this.srtp.unprotect(msg);
      }
      packet = decodeRtp(msg);
    } catch (err) {
      this.stats.packetsIgnored++;
      this.logger.debug(
        { err: (err as Error).message, from: rinfo.address },
        'not RTP (or SRTP that does not authenticate)',
      );
      return;
    }
    if (packet.payloadType === this.localDtmfPt) {
      this.stats.packetsReceived++;
      for (const d of this.dtmf.push(packet.timestamp, packet.payload, at)) {
        for (const l of this.dtmfListeners) l(d);
      }
      return;
    }
    if (packet.payloadType !== this.localAudioPt) {
      this.stats.packetsIgnored++;
      return;
    }
    this.stats.packetsReceived++;
    this.stats.firstReceivedAt ??= at;
    this.stats.lastReceivedAt = at;
    const samples = mulawToPcm16(packet.payload);
    const received: ReceivedPacket = {
      at,
      sequenceNumber: packet.sequenceNumber,
      extendedSequence: this.extend(packet.ssrc, packet.sequenceNumber),
      timestamp: packet.timestamp,
      ssrc: packet.ssrc,
      marker: packet.marker,
      payloadType: packet.payloadType,
      samples,
      dbfs: rmsDbfs(samples),
    };
    this.packets.push(received);
    for (const l of this.packetListeners) l(received);
  }
}
