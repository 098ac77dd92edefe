// A standards-strict SIP test caller (UAC) for end-to-end tests against livekit-sip:
// RFC 3261 over UDP or TLS, digest auth, SDP offer/answer, PCMU RTP or SRTP (SDES), RFC 4733
// DTMF, RFC 3515 REFER.
export {
  createSipCaller,
  type CallOptions,
  type MediaEncryption,
  type SipCaller,
  type SipCallerOptions,
} from './caller.js';
export {
  CallFailedError,
  type AnsweredInfo,
  type Call,
  type CallEnd,
  type CallEvents,
  type CallState,
  type EndReason,
  type ProvisionalInfo,
  type ReferRequest,
  type SentAudio,
  type SipLogEntry,
} from './call-api.js';
export {
  concatPcm16,
  firstAudibleMs,
  rmsDbfs,
  silence,
  tone,
  PACKET_MS,
  SAMPLE_RATE,
  SAMPLES_PER_PACKET,
  type FirstAudibleOptions,
  type ReceivedAudio,
  type ReceivedPacket,
} from './audio.js';
export { linearToMulaw, mulawToLinear, mulawToPcm16, pcm16ToMulaw, MULAW_SILENCE } from './g711.js';
export type { DetectedDtmf, DtmfOptions } from './dtmf.js';
export type { PlaybackResult } from './outgoing.js';
export type { PortRange, RtpStats, SentPacketRecord } from './rtp-session.js';
export type { SipCallerLogger } from './logger.js';
export type { SipTimers } from './transaction.js';
export type { TlsOptions } from './tls-transport.js';
export type { SdesCrypto } from './sdes.js';
export {
  AUDIBLE_DBFS,
  loadUtterance,
  speakTurn,
  trimTrailingSilence,
  waitForAudible,
  waitForQuiet,
  type SpokenTurn,
} from './turns.js';
export { encodeWav, parseWav, readWav8k, writeWav, type WavData } from './wav.js';
