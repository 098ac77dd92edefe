// HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 8760 algorithms).
// Answers 401 WWW-Authenticate with Authorization and 407 Proxy-Authenticate with
// Proxy-Authorization; qop=auth when offered (auth-int if that is all that is offered), none
// otherwise (RFC 2069 compatibility, as livekit-sip challenges).
import { createHash, randomBytes } from 'node:crypto';
import { quote } from './sip-message.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** As offered (default `MD5`). */
  algorithm: string;
  /** qop options offered, lower-cased; empty when the challenge has no qop. */
  qop: string[];
  stale: boolean;
  /** Every parameter as parsed (names lower-cased, values unquoted). */
  params: Record<string, string>;
}

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

export function isSupportedAlgorithm(algorithm: string): boolean {
  return HASHES[algorithm.toUpperCase().replace(/-SESS$/, '')] !== undefined;
}

/**
 * Parses `auth-param` lists: `a="quoted, with \"escapes\"", b=token, c = "x"`. Names are
 * lower-cased, values unquoted.
 */
export function parseAuthParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  let i = 0;
  const skipSpaceAndCommas = () => {
    while (i < text.length && /[\s,]/.test(text[i] ?? '')) i++;
  };
  while (i < text.length) {
    skipSpaceAndCommas();
    const nameStart = i;
    while (i < text.length && /[^\s=,]/.test(text[i] ?? '')) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') {
      if (name) params[name] = '';
      continue;
    }
    i++;
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
    } else {
      const start = i;
      while (i < text.length && text[i] !== ',') i++;
      value = text.slice(start, i).trim();
    }
    if (name) params[name] = value;
  }
  return params;
}

/** Parses one WWW-Authenticate / Proxy-Authenticate value; undefined unless it is Digest. */
export function parseDigestChallenge(header: string): DigestChallenge | undefined {
  const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(header);
  if (!m || (m[1] ?? '').toLowerCase() !== 'digest') return undefined;
  const params = parseAuthParams(m[2] ?? '');
  if (params['realm'] === undefined || params['nonce'] === undefined) return undefined;
  const challenge: DigestChallenge = {
    realm: params['realm'],
    nonce: params['nonce'],
    algorithm: params['algorithm'] || 'MD5',
    qop: (params['qop'] ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    stale: (params['stale'] ?? '').toLowerCase() === 'true',
    params,
  };
  if (params['opaque'] !== undefined) challenge.opaque = params['opaque'];
  return challenge;
}

export interface DigestInput {
  algorithm?: string;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** `auth` / `auth-int`, or undefined for RFC 2069 style (no qop). */
  qop?: string;
  /** Nonce count (required with qop). */
  nc?: number;
  cnonce?: string;
  /** Message body, for qop=auth-int. */
  body?: Buffer;
}

export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

/** The `response` value (RFC 2617 §3.2.2.1, RFC 8760 for SHA-256 and SHA-512/256). */
export function computeDigestResponse(input: DigestInput): string {
  const algorithm = (input.algorithm ?? 'MD5').toUpperCase();
  const sess = algorithm.endsWith('-SESS');
  const hashName = HASHES[algorithm.replace(/-SESS$/, '')];
  if (!hashName) throw new Error(`unsupported digest algorithm: ${input.algorithm}`);
  const H = (s: string | Buffer) => createHash(hashName).update(s).digest('hex');
  if (input.qop && (input.nc === undefined || input.cnonce === undefined)) {
    throw new Error('qop requires nc and cnonce');
  }
  let ha1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (sess) {
    if (input.cnonce === undefined) throw new Error(`${algorithm} requires a cnonce`);
    ha1 = H(`${ha1}:${input.nonce}:${input.cnonce}`);
  }
  const qop = input.qop?.toLowerCase();
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${H(input.body ?? Buffer.alloc(0))}`
      : `${input.method}:${input.uri}`;
  const ha2 = H(a2);
  if (qop) {
    return H(
      `${ha1}:${input.nonce}:${formatNonceCount(input.nc ?? 1)}:${input.cnonce}:${qop}:${ha2}`,
    );
  }
  return H(`${ha1}:${input.nonce}:${ha2}`);
}

export interface AuthorizationInput {
  username: string;
  password: string;
  method: string;
  uri: string;
  body?: Buffer;
  /** Nonce count for this nonce (starts at 1). */
  nc?: number;
  /** Client nonce; random when omitted. */
  cnonce?: string;
}

/** Picks qop: `auth` when offered, else `auth-int`, else none (undefined). */
export function chooseQop(challenge: DigestChallenge): string | undefined {
  if (challenge.qop.length === 0) return undefined;
  if (challenge.qop.includes('auth')) return 'auth';
  if (challenge.qop.includes('auth-int')) return 'auth-int';
  throw new Error(`unsupported qop options: ${challenge.qop.join(',')}`);
}

/** Builds the credentials value for an Authorization / Proxy-Authorization header. */
export function buildAuthorization(challenge: DigestChallenge, input: AuthorizationInput): string {
  const qop = chooseQop(challenge);
  const needsCnonce = qop !== undefined || challenge.algorithm.toUpperCase().endsWith('-SESS');
  const cnonce = needsCnonce ? (input.cnonce ?? randomBytes(8).toString('hex')) : undefined;
  const nc = input.nc ?? 1;
  const digestInput: DigestInput = {
    algorithm: challenge.algorithm,
    username: input.username,
    password: input.password,
    realm: challenge.realm,
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    nc,
  };
  if (qop) digestInput.qop = qop;
  if (cnonce !== undefined) digestInput.cnonce = cnonce;
  if (input.body) digestInput.body = input.body;
  const response = computeDigestResponse(digestInput);
  const parts = [
    `username=${quote(input.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(input.uri)}`,
    `response="${response}"`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (cnonce !== undefined) parts.push(`cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${formatNonceCount(nc)}`);
  return `Digest ${parts.join(', ')}`;
}

/** Replaces the `response` value so credentials can be logged. */
export function redactCredentials(text: string): string {
  return text.replace(/(\bresponse\s*=\s*)"?[0-9a-fA-F]+"?/g, '$1"<redacted>"');
}
