import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorization,
  computeDigestResponse,
  parseAuthParams,
  parseDigestChallenge,
  redactCredentials,
} from './digest.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('digest authentication', () => {
  const rfc2617Challenge =
    'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

  it('parses a challenge', () => {
    const c = parseDigestChallenge(rfc2617Challenge);
    expect(c).toMatchObject({
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      algorithm: 'MD5',
      qop: ['auth', 'auth-int'],
      stale: false,
    });
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined(); // no nonce
    // livekit-sip's form: MD5, no qop.
    expect(
      parseDigestChallenge('Digest realm="livekit", nonce="abc", algorithm=MD5, stale=TRUE'),
    ).toMatchObject({ realm: 'livekit', nonce: 'abc', qop: [], stale: true });
  });

  it('parses auth-params with escapes, commas in quotes and spacing', () => {
    expect(parseAuthParams('a="x, \\"y\\"",b=tok , c = "z"')).toEqual({
      a: 'x, "y"',
      b: 'tok',
      c: 'z',
    });
  });

  it('computes the RFC 2617 §3.5 example (qop=auth)', () => {
    expect(
      computeDigestResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: 1,
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 7616 §3.9.1 examples (MD5 and SHA-256)', () => {
    const input = {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      password: 'Circle of Life',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(computeDigestResponse({ ...input, algorithm: 'MD5' })).toBe(
      '8ca523f5e9506fed4657c9700eebdbec',
    );
    expect(computeDigestResponse({ ...input, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('computes RFC 2069-style responses without qop (what livekit-sip checks)', () => {
    const uri = 'sip:+15550100@10.77.0.1:5060';
    const expected = md5(`${md5('alice:livekit:pw')}:n0nce:${md5(`INVITE:${uri}`)}`);
    expect(
      computeDigestResponse({
        username: 'alice',
        realm: 'livekit',
        password: 'pw',
        nonce: 'n0nce',
        method: 'INVITE',
        uri,
      }),
    ).toBe(expected);
  });

  it('builds the RFC 2617 Authorization credentials', () => {
    const challenge = parseDigestChallenge(rfc2617Challenge);
    if (!challenge) throw new Error('challenge did not parse');
    const header = buildAuthorization(challenge, {
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nc: 1,
      cnonce: '0a4f113b',
    });
    expect(header).toBe(
      'Digest username="Mufasa", realm="testrealm@host.com", ' +
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
        'response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
    );
  });

  it('omits qop, nc and cnonce when the challenge offers no qop', () => {
    const challenge = parseDigestChallenge('Digest realm="livekit", nonce="n0nce", algorithm=MD5');
    if (!challenge) throw new Error('challenge did not parse');
    const header = buildAuthorization(challenge, {
      username: 'alice',
      password: 'pw',
      method: 'INVITE',
      uri: 'sip:+1555@h',
    });
    expect(header).not.toMatch(/qop|nc=|cnonce/);
    expect(header).toContain(
      `response="${md5(`${md5('alice:livekit:pw')}:n0nce:${md5('INVITE:sip:+1555@h')}`)}"`,
    );
  });

  it('uses auth-int (hashing the body) only when auth is not offered', () => {
    const challenge = parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"');
    if (!challenge) throw new Error('challenge did not parse');
    const body = Buffer.from('v=0\r\n');
    const header = buildAuthorization(challenge, {
      username: 'u',
      password: 'p',
      method: 'INVITE',
      uri: 'sip:x@h',
      body,
      cnonce: 'c',
    });
    const ha2 = md5(`INVITE:sip:x@h:${md5(body.toString())}`);
    expect(header).toContain(`response="${md5(`${md5('u:r:p')}:n:00000001:c:auth-int:${ha2}`)}"`);
    expect(header).toContain('qop=auth-int');
  });

  it('redacts responses for logs', () => {
    expect(redactCredentials('Digest username="a", response="0123abcd", nonce="x"')).toBe(
      'Digest username="a", response="<redacted>", nonce="x"',
    );
  });
});
