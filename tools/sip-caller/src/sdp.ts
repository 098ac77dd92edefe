// SDP (RFC 4566) parsing and the audio offer/answer the caller needs (RFC 3264): PCMU/8000 on
// payload type 0 (RFC 3551) plus telephone-event/8000 (RFC 4733), 20 ms packets; over SRTP
// (RTP/SAVP, RFC 3711) with SDES keys (RFC 4568, sdes.ts) when asked to.
import { formatCryptoAttribute, parseCryptoAttribute, type SdesCrypto } from './sdes.js';
import { SdpError } from './sdp-error.js';

export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpAttribute {
  name: string;
  value?: string;
}

export interface RtpMap {
  encoding: string;
  clockRate: number;
  channels?: number;
}

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpMedia {
  type: string;
  port: number;
  portCount?: number;
  proto: string;
  formats: string[];
  connection?: SdpConnection;
  attributes: SdpAttribute[];
  /** rtpmap by payload type (static types without rtpmap are not filled in). */
  rtpmap: Map<number, RtpMap>;
  fmtp: Map<number, string>;
  /** Media-level direction, else session-level, else sendrecv. */
  direction: MediaDirection;
  ptime?: number;
}

export interface SessionDescription {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  connection?: SdpConnection;
  attributes: SdpAttribute[];
  media: SdpMedia[];
}

export { SdpError };

const DIRECTIONS = new Set<MediaDirection>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function parseConnection(value: string): SdpConnection {
  const [netType, addrType, address] = value.trim().split(/\s+/);
  if (!netType || !addrType || !address) throw new SdpError(`malformed c= line: ${value}`);
  // Multicast addresses may carry /ttl/count; keep the address only.
  return { netType, addrType, address: address.split('/')[0] ?? address };
}

function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  return colon < 0
    ? { name: value.trim() }
    : { name: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim() };
}

export function parseSdp(text: string): SessionDescription {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (!lines[0] || !/^v=0\s*$/.test(lines[0])) throw new SdpError('SDP must start with v=0');
  let origin: SdpOrigin | undefined;
  let sessionName = '';
  let connection: SdpConnection | undefined;
  const attributes: SdpAttribute[] = [];
  const media: SdpMedia[] = [];
  let current: SdpMedia | undefined;

  for (const line of lines) {
    const m = /^([a-z])=(.*)$/.exec(line);
    if (!m) throw new SdpError(`malformed SDP line: ${line}`);
    const type = m[1] ?? '';
    const value = m[2] ?? '';
    switch (type) {
      case 'o': {
        const f = value.trim().split(/\s+/);
        if (f.length !== 6) throw new SdpError(`malformed o= line: ${value}`);
        origin = {
          username: f[0] ?? '',
          sessionId: f[1] ?? '',
          sessionVersion: f[2] ?? '',
          netType: f[3] ?? '',
          addrType: f[4] ?? '',
          address: f[5] ?? '',
        };
        break;
      }
      case 's':
        sessionName = value;
        break;
      case 'c':
        if (current) current.connection = parseConnection(value);
        else connection = parseConnection(value);
        break;
      case 'm': {
        const f = value.trim().split(/\s+/);
        const portMatch = /^(\d+)(?:\/(\d+))?$/.exec(f[1] ?? '');
        if (f.length < 4 || !portMatch) throw new SdpError(`malformed m= line: ${value}`);
        current = {
          type: f[0] ?? '',
          port: Number(portMatch[1]),
          proto: f[2] ?? '',
          formats: f.slice(3),
          attributes: [],
          rtpmap: new Map(),
          fmtp: new Map(),
          direction: 'sendrecv',
        };
        if (portMatch[2] !== undefined) current.portCount = Number(portMatch[2]);
        media.push(current);
        break;
      }
      case 'a': {
        const attr = parseAttribute(value);
        (current ? current.attributes : attributes).push(attr);
        break;
      }
      default:
        // v, i, u, e, p, b, t, r, z, k: not needed for audio negotiation.
        break;
    }
  }
  if (!origin) throw new SdpError('SDP has no o= line');

  const sessionDirection = attributes.find((a) => DIRECTIONS.has(a.name as MediaDirection))?.name;
  for (const md of media) {
    let direction = sessionDirection as MediaDirection | undefined;
    for (const attr of md.attributes) {
      if (DIRECTIONS.has(attr.name as MediaDirection)) direction = attr.name as MediaDirection;
      if (attr.name === 'rtpmap' && attr.value) {
        const r = /^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(attr.value);
        if (r) {
          const map: RtpMap = { encoding: r[2] ?? '', clockRate: Number(r[3]) };
          if (r[4] !== undefined) map.channels = Number(r[4]);
          md.rtpmap.set(Number(r[1]), map);
        }
      }
      if (attr.name === 'fmtp' && attr.value) {
        const f = /^(\d+)\s+(.*)$/.exec(attr.value);
        if (f) md.fmtp.set(Number(f[1]), (f[2] ?? '').trim());
      }
      if (attr.name === 'ptime' && attr.value && /^\d+(\.\d+)?$/.test(attr.value)) {
        md.ptime = Number(attr.value);
      }
    }
    md.direction = direction ?? 'sendrecv';
  }
  const result: SessionDescription = {
    version: 0,
    origin,
    sessionName,
    attributes,
    media,
  };
  if (connection) result.connection = connection;
  return result;
}

export const PCMU_PAYLOAD_TYPE = 0;
export const DEFAULT_DTMF_PAYLOAD_TYPE = 101;

export interface AudioSdpOptions {
  address: string;
  port: number;
  sessionId: string;
  sessionVersion: number;
  /** Payload type for telephone-event (default 101). */
  dtmfPayloadType?: number;
  ptime?: number;
  direction?: MediaDirection;
  /** o= username (default `-`). */
  username?: string;
  /** SRTP: RTP/SAVP with this key in an a=crypto line (RTP/AVP without). */
  crypto?: SdesCrypto;
}

function addrType(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** A PCMU + telephone-event audio description (used as the offer and as answers). */
export function buildAudioSdp(options: AudioSdpOptions): string {
  const dtmf = options.dtmfPayloadType ?? DEFAULT_DTMF_PAYLOAD_TYPE;
  const at = addrType(options.address);
  const lines = [
    'v=0',
    `o=${options.username ?? '-'} ${options.sessionId} ${options.sessionVersion} IN ${at} ${options.address}`,
    's=-',
    `c=IN ${at} ${options.address}`,
    't=0 0',
    `m=audio ${options.port} ${options.crypto ? 'RTP/SAVP' : 'RTP/AVP'} ${PCMU_PAYLOAD_TYPE} ${dtmf}`,
    ...(options.crypto ? [`a=crypto:${formatCryptoAttribute(options.crypto)}`] : []),
    `a=rtpmap:${PCMU_PAYLOAD_TYPE} PCMU/8000`,
    `a=rtpmap:${dtmf} telephone-event/8000`,
    `a=fmtp:${dtmf} 0-16`,
    `a=ptime:${options.ptime ?? 20}`,
    `a=${options.direction ?? 'sendrecv'}`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export interface NegotiatedAudio {
  remoteAddress: string;
  remotePort: number;
  /** Payload type the remote side expects for PCMU (0 unless it remapped it). */
  audioPayloadType: number;
  /** Payload type the remote side expects for telephone-event; undefined if not accepted. */
  dtmfPayloadType?: number;
  /** Direction as declared by the remote side. */
  direction: MediaDirection;
  /** Remote ptime preference, if declared. */
  ptime?: number;
  /** Whether we may send RTP (the remote receives) and expect to receive. */
  send: boolean;
  receive: boolean;
  /** SRTP: the remote side's key (it encrypts with it), when the stream is RTP/SAVP. */
  srtp?: SdesCrypto;
}

export interface NegotiateOptions {
  /**
   * We offered (or want) SRTP: only an RTP/SAVP stream with a usable a=crypto line will do. Without
   * it, only RTP/AVP will do: never a downgrade either way.
   */
  srtp?: boolean;
}

function findPayloadType(media: SdpMedia, encoding: string, clockRate: number): number | undefined {
  for (const fmt of media.formats) {
    const pt = Number(fmt);
    if (!Number.isInteger(pt)) continue;
    const map = media.rtpmap.get(pt);
    if (map) {
      if (map.encoding.toLowerCase() === encoding.toLowerCase() && map.clockRate === clockRate) {
        return pt;
      }
    } else if (encoding.toUpperCase() === 'PCMU' && pt === PCMU_PAYLOAD_TYPE) {
      return pt; // static payload type 0 (RFC 3551)
    }
  }
  return undefined;
}

/**
 * Reads the remote audio description (an answer to our offer, or a remote offer). Picks the
 * first `m=audio` stream, RTP/AVP or (with `srtp`) RTP/SAVP; a port of 0 means rejected. Throws
 * SdpError when no usable PCMU stream exists.
 */
export function negotiateAudio(
  remote: SessionDescription,
  options: NegotiateOptions = {},
): NegotiatedAudio {
  const audio = remote.media.find((m) => m.type === 'audio');
  if (!audio) throw new SdpError('no audio stream in remote SDP');
  if (audio.port === 0) throw new SdpError('audio stream rejected (port 0)');
  const want = options.srtp ? 'RTP/SAVP' : 'RTP/AVP';
  if (audio.proto.toUpperCase() !== want) {
    throw new SdpError(`unsupported audio transport ${audio.proto} (want ${want})`);
  }
  let srtp: SdesCrypto | undefined;
  if (options.srtp) {
    const offered = audio.attributes.filter((a) => a.name === 'crypto' && a.value !== undefined);
    if (offered.length === 0) throw new SdpError('RTP/SAVP stream without an a=crypto key');
    // The first line we can use (an answer has exactly one; an offer may list several suites).
    const errors: string[] = [];
    for (const attr of offered) {
      try {
        srtp = parseCryptoAttribute(attr.value!);
        break;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (!srtp) throw new SdpError(`no usable a=crypto line: ${errors.join('; ')}`);
  }
  const conn = audio.connection ?? remote.connection;
  if (!conn) throw new SdpError('no c= line for the audio stream');
  const audioPayloadType = findPayloadType(audio, 'PCMU', 8000);
  if (audioPayloadType === undefined) throw new SdpError('remote SDP does not accept PCMU/8000');
  const dtmfPayloadType = findPayloadType(audio, 'telephone-event', 8000);
  // c=0.0.0.0 is the RFC 2543 way of putting a call on hold.
  const held = conn.address === '0.0.0.0' || conn.address === '::';
  const direction = held ? 'inactive' : audio.direction;
  const result: NegotiatedAudio = {
    remoteAddress: conn.address,
    remotePort: audio.port,
    audioPayloadType,
    direction,
    send: direction === 'sendrecv' || direction === 'recvonly',
    receive: direction === 'sendrecv' || direction === 'sendonly',
  };
  if (dtmfPayloadType !== undefined) result.dtmfPayloadType = dtmfPayloadType;
  if (audio.ptime !== undefined) result.ptime = audio.ptime;
  if (srtp) result.srtp = srtp;
  return result;
}

/** The direction to answer with, given the remote offer's direction (RFC 3264 §6.1). */
export function answerDirection(offered: MediaDirection): MediaDirection {
  switch (offered) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    default:
      return offered;
  }
}
