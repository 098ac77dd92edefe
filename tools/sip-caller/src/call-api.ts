// The public surface of a call (what e2e scenarios and benchmarks see): the Call interface,
// its events and progress records, and how a call ends.
import type { ReceivedAudio, ReceivedPacket } from './audio.js';
import type { DetectedDtmf, DtmfOptions } from './dtmf.js';
import type { PlaybackResult } from './outgoing.js';
import type { RtpStats, SentPacketRecord } from './rtp-session.js';
import type { NegotiatedAudio, SessionDescription } from './sdp.js';
import type { SipHeader, SipRequest } from './sip-message.js';

export type CallState = 'calling' | 'proceeding' | 'confirmed' | 'terminating' | 'ended';

export interface ProvisionalInfo {
  status: number;
  reason: string;
  at: number;
}

export interface AnsweredInfo {
  /** Arrival time of the 200 OK (caller clock, epoch ms). */
  at: number;
  status: number;
  reason: string;
  remoteSdp: SessionDescription;
  media: NegotiatedAudio;
  /** Headers of the 200 OK. */
  headers: SipHeader[];
}

export type EndReason =
  | 'bye'
  | 'rejected'
  | 'auth-failed'
  | 'cancelled'
  | 'timeout'
  | 'media-failed'
  | 'transport-error'
  | 'closed';

export interface CallEnd {
  /** Who ended the call: `remote` for a BYE or a failure response from the far end. */
  by: 'local' | 'remote';
  reason: EndReason;
  /** The final SIP status: the failure response, the response to our BYE, 408 on timeout. */
  status?: number;
  reasonPhrase?: string;
  at: number;
  answered: boolean;
  error?: string;
}

export interface ReferRequest {
  at: number;
  /** The Refer-To header value as received. */
  referTo: string;
  /** The URI inside Refer-To. */
  referToUri: string;
  referredBy?: string;
  cseq: number;
  headers: SipHeader[];
  /** Status of the response to our NOTIFY, once it arrives. */
  notifyResponse?: number;
}

export interface SipLogEntry {
  direction: 'in' | 'out';
  at: number;
  /** `host:port` of the peer. */
  peer: string;
  summary: string;
  /** The message text with digest responses redacted. */
  text: string;
}

export interface SentAudio {
  packets: readonly SentPacketRecord[];
  /** What the far end receives, decoded (audio and silence packets; DTMF excluded). */
  pcm: Int16Array;
}

export interface CallEvents {
  state: CallState;
  provisional: ProvisionalInfo;
  ringing: ProvisionalInfo;
  answered: AnsweredInfo;
  ended: CallEnd;
  audio: ReceivedPacket;
  dtmf: DetectedDtmf;
  refer: ReferRequest;
  /** Every in-dialog request received (after it was answered). */
  request: SipRequest;
}

export class CallFailedError extends Error {
  override name = 'CallFailedError';
  constructor(readonly end: CallEnd) {
    super(
      `call ended before this point: ${end.reason}${end.status ? ` (${end.status} ${end.reasonPhrase ?? ''})` : ''}`.trim(),
    );
  }
}

/** A call placed by `SipCaller.call()`. */
export interface Call {
  /** The SIP Call-ID. */
  readonly id: string;
  readonly state: CallState;
  /**
   * Resolves on the first 180/183; rejects with CallFailedError if the call ends first (or with
   * an Error if it is answered without one).
   */
  readonly ringing: Promise<ProvisionalInfo>;
  /** Resolves on the 200 OK (after ACK); rejects with CallFailedError if the call fails. */
  readonly answered: Promise<AnsweredInfo>;
  /** Always resolves, with who ended the call and how. */
  readonly ended: Promise<CallEnd>;
  /** REFER requests received (each answered 202 + NOTIFY `SIP/2.0 200 OK`). */
  readonly refers: readonly ReferRequest[];
  /** DTMF received as RFC 4733 events. */
  readonly dtmfReceived: readonly DetectedDtmf[];
  /** Every SIP message sent and received for this call. */
  readonly sipLog: readonly SipLogEntry[];
  on<K extends keyof CallEvents>(event: K, listener: (value: CallEvents[K]) => void): () => void;
  /** Called for every received audio packet; returns an unsubscribe function. */
  onAudio(listener: (packet: CallEvents['audio']) => void): () => void;
  /** Queues PCM16 mono 8 kHz speech; resolves once its last packet is sent. */
  play(samples: Int16Array): Promise<PlaybackResult>;
  /** Queues a WAV file (resampled to 8 kHz mono with sox when needed). */
  playWav(path: string): Promise<PlaybackResult>;
  /** Queues RFC 4733 DTMF digits (0-9 * # A-D, `,` = 500 ms pause) after any queued audio. */
  sendDtmf(digits: string, options?: DtmfOptions): Promise<PlaybackResult>;
  /** Drops queued audio/DTMF (pending promises resolve with completed=false). */
  stopPlayback(): void;
  /** Everything heard so far, decoded, with per-packet arrival times. */
  received(): ReceivedAudio;
  /** Everything sent so far. */
  sent(): SentAudio;
  /** Writes what was heard as a PCM16 mono 8 kHz WAV file. */
  saveWav(path: string): Promise<void>;
  /** Resolves with the first REFER (already received or future). */
  waitForRefer(timeoutMs?: number): Promise<ReferRequest>;
  stats(): RtpStats;
  /** BYE when answered, CANCEL while ringing; resolves when the call has ended. */
  hangup(): Promise<CallEnd>;
}
