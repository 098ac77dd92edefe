// SDES (RFC 4568): the SRTP master key and salt each side puts in its SDP as
// `a=crypto:<tag> AES_CM_128_HMAC_SHA1_80 inline:<base64 key||salt>`. The keys are in the clear in
// the SDP, so they are only secret when the signalling is (SIP over TLS).
import { randomBytes } from 'node:crypto';
import { SdpError } from './sdp-error.js';

/** The one suite offered: RFC 4568's mandatory one, and livekit-sip's first choice. */
export const SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80';
/** 128-bit master key and 112-bit master salt (RFC 3711 §8.2). */
export const SRTP_KEY_BYTES = 16;
export const SRTP_SALT_BYTES = 14;

export interface SdesCrypto {
  tag: number;
  suite: string;
  /** Master key followed by master salt (30 bytes for the suite above). */
  keyParams: Buffer;
}

export function newSrtpKeyParams(): Buffer {
  return randomBytes(SRTP_KEY_BYTES + SRTP_SALT_BYTES);
}

/** The value of an `a=crypto:` attribute (after the colon). */
export function formatCryptoAttribute(crypto: SdesCrypto): string {
  return `${crypto.tag} ${crypto.suite} inline:${crypto.keyParams.toString('base64')}`;
}

/**
 * Parses an `a=crypto:` value. Only inline keys of our suite are usable: others (and key
 * lifetimes or MKIs, which we do not implement) are refused with SdpError.
 */
export function parseCryptoAttribute(value: string): SdesCrypto {
  const match = /^(\d{1,9})\s+(\S+)\s+inline:([A-Za-z0-9+/]+={0,2})(\|[^\s]*)?(?:\s.*)?$/.exec(
    value.trim(),
  );
  if (!match) throw new SdpError(`malformed crypto attribute: ${value.split(' ')[0] ?? ''}`);
  const [, tag, suite, key, extra] = match;
  if (suite !== SRTP_SUITE) throw new SdpError(`unsupported SRTP suite ${suite}`);
  if (extra !== undefined) throw new SdpError('SRTP key lifetime or MKI is not supported');
  const keyParams = Buffer.from(key!, 'base64');
  if (keyParams.length !== SRTP_KEY_BYTES + SRTP_SALT_BYTES)
    throw new SdpError(`SRTP key of ${keyParams.length} bytes (want 30)`);
  return { tag: Number(tag), suite: suite!, keyParams };
}
