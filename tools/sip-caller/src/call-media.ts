// A call's media: the RTP session and its send queue, our SDP (the offer in the INVITE, the
// answers to re-INVITE/UPDATE offers) with the o= version RFC 3264 §8 asks for, and with SRTP our
// SDES key and the SRTP context built from it and the far end's.
import { randomBytes, randomInt } from 'node:crypto';
import type { ReceivedAudio } from './audio.js';
import type { SentAudio } from './call-api.js';
import type { CallContext } from './call-context.js';
import type { DtmfOptions } from './dtmf.js';
import { mulawToPcm16 } from './g711.js';
import type { SipCallerLogger } from './logger.js';
import { OutgoingMedia, type PlaybackResult } from './outgoing.js';
import { RtpSession, type RtpStats } from './rtp-session.js';
import { newSrtpKeyParams, SRTP_SUITE, type SdesCrypto } from './sdes.js';
import {
  buildAudioSdp,
  negotiateAudio,
  type MediaDirection,
  type NegotiatedAudio,
  type SessionDescription,
} from './sdp.js';
import { createSrtpTransform } from './srtp.js';
import { writeWav } from './wav.js';

export type CallMediaContext = Pick<
  CallContext,
  'now' | 'localAddress' | 'advertisedAddress' | 'rtpPorts'
>;

export class CallMedia {
  private readonly outgoing: OutgoingMedia;
  private rtp: RtpSession | undefined;
  private readonly sdpSessionId = String(randomInt(1, 2 ** 31));
  private sdpVersion = 1;
  private _localSdp = '';
  private _localDirection: MediaDirection = 'sendrecv';
  /** Our SDES key (SRTP calls): one per call, in every SDP we send. */
  private readonly localCrypto: SdesCrypto | undefined;
  private remoteSrtpKey: Buffer | undefined;

  constructor(
    private readonly ctx: CallMediaContext,
    private readonly log: SipCallerLogger,
    options: { srtp: boolean } = { srtp: false },
  ) {
    if (options.srtp)
      this.localCrypto = { tag: 1, suite: SRTP_SUITE, keyParams: newSrtpKeyParams() };
    this.outgoing = new OutgoingMedia({
      ssrc: randomBytes(4).readUInt32BE(0),
      initialSequence: randomInt(0x10000),
      initialTimestamp: randomBytes(4).readUInt32BE(0),
      now: ctx.now,
    });
  }

  /** Binds the RTP/RTCP ports; the session sends nothing until start(). */
  async open(): Promise<RtpSession> {
    this.rtp = await RtpSession.open({
      encrypted: this.localCrypto !== undefined,
      localAddress: this.ctx.localAddress,
      portRange: this.ctx.rtpPorts,
      logger: this.log,
      now: this.ctx.now,
      outgoing: this.outgoing,
    });
    return this.rtp;
  }

  /** Our current SDP: the offer once open, later the answer to the last offer from the far end. */
  get localSdp(): string {
    return this._localSdp;
  }

  get localDirection(): MediaDirection {
    return this._localDirection;
  }

  /** Writes the initial offer (needs the RTP port, so after open()). */
  prepareOffer(): void {
    this._localSdp = this.buildLocalSdp();
  }

  /** Changes our direction; the o= version moves only when the SDP actually changes. */
  setDirection(direction: MediaDirection): void {
    const sdpBefore = this._localSdp;
    this._localDirection = direction;
    const candidate = this.buildLocalSdp();
    if (candidate !== sdpBefore) {
      this.sdpVersion++;
      this._localSdp = this.buildLocalSdp();
    }
  }

  private buildLocalSdp(): string {
    if (!this.rtp) throw new Error('RTP session not open');
    return buildAudioSdp({
      address: this.ctx.advertisedAddress,
      port: this.rtp.port,
      sessionId: this.sdpSessionId,
      sessionVersion: this.sdpVersion,
      direction: this._localDirection,
      ...(this.localCrypto ? { crypto: this.localCrypto } : {}),
    });
  }

  /** The far end's audio description, held to our media: SRTP both ways, or plain both ways. */
  negotiate(remote: SessionDescription): NegotiatedAudio {
    return negotiateAudio(remote, { srtp: this.localCrypto !== undefined });
  }

  /** Sends to (and expects from) the negotiated address; a packet every 20 ms from here. */
  start(media: NegotiatedAudio): void {
    const rtp = this.rtp;
    if (!rtp) return;
    if (this.localCrypto && media.srtp) {
      if (this.remoteSrtpKey === undefined) {
        this.remoteSrtpKey = media.srtp.keyParams;
        rtp.setSrtp(
          createSrtpTransform({ local: this.localCrypto.keyParams, remote: media.srtp.keyParams }),
        );
      } else if (!media.srtp.keyParams.equals(this.remoteSrtpKey)) {
        // A new context would restart our packet index under the same key (keystream reuse).
        this.log.warn({}, 'the far end changed its SRTP key; rekeying is not implemented');
      }
    }
    rtp.start(media);
  }

  /** Stops the 20 ms stream and drops whatever was queued. */
  stopSending(): void {
    this.rtp?.stopSending();
    this.outgoing.clear();
  }

  /** Closes the RTP/RTCP sockets. */
  close(): void {
    this.rtp?.close();
  }

  play(samples: Int16Array): Promise<PlaybackResult> {
    return this.outgoing.enqueueAudio(samples);
  }

  sendDtmf(digits: string, options?: DtmfOptions): Promise<PlaybackResult> {
    return this.outgoing.enqueueDtmf(digits, options);
  }

  stopPlayback(): void {
    this.outgoing.clear();
  }

  received(): ReceivedAudio {
    return this.rtp?.received() ?? { sampleRate: 8000, packets: [], pcm: new Int16Array(0) };
  }

  sent(): SentAudio {
    const packets = this.rtp?.sentPackets ?? [];
    const audio = packets.filter((p) => p.kind !== 'dtmf');
    const pcm = mulawToPcm16(Buffer.concat(audio.map((p) => p.payload)));
    return { packets: [...packets], pcm };
  }

  async saveWav(path: string): Promise<void> {
    await writeWav(path, this.received().pcm);
  }

  stats(): RtpStats {
    return this.rtp
      ? { ...this.rtp.stats }
      : { packetsSent: 0, packetsReceived: 0, packetsIgnored: 0, ticksSkipped: 0 };
  }
}
