import { describe, expect, it } from 'vitest';
import {
  formatCryptoAttribute,
  newSrtpKeyParams,
  parseCryptoAttribute,
  SRTP_SUITE,
} from './sdes.js';
import { SdpError } from './sdp-error.js';

describe('SDES crypto attributes', () => {
  it('writes our key as RFC 4568 inline key||salt, and reads it back', () => {
    const keyParams = newSrtpKeyParams();
    expect(keyParams).toHaveLength(30);
    expect(newSrtpKeyParams().equals(keyParams)).toBe(false);
    const value = formatCryptoAttribute({ tag: 1, suite: SRTP_SUITE, keyParams });
    expect(value).toMatch(/^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    expect(parseCryptoAttribute(value)).toEqual({ tag: 1, suite: SRTP_SUITE, keyParams });
  });

  it("reads livekit-sip's answer (padded base64, the offer's tag echoed)", () => {
    const key = Buffer.alloc(30, 7);
    const parsed = parseCryptoAttribute(
      `3 AES_CM_128_HMAC_SHA1_80 inline:${key.toString('base64')}`,
    );
    expect(parsed).toEqual({ tag: 3, suite: SRTP_SUITE, keyParams: key });
  });

  it('refuses other suites, lifetimes, MKIs and keys of the wrong size', () => {
    const key = Buffer.alloc(30, 1).toString('base64');
    for (const value of [
      `1 AES_256_CM_HMAC_SHA1_80 inline:${Buffer.alloc(46).toString('base64')}`,
      `1 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^20|1:4`,
      `1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(16).toString('base64')}`,
      '1 AES_CM_128_HMAC_SHA1_80 key',
      'x',
    ])
      expect(() => parseCryptoAttribute(value), value).toThrow(SdpError);
  });
});
