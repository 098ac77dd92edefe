import { describe, expect, it } from 'vitest';
import { DigestCredentials } from './credentials.js';
import { silentLogger } from './logger.js';
import type { SipResponse } from './sip-message.js';

function challenge(status: 401 | 407, ...values: string[]): SipResponse {
  const name = status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  return {
    kind: 'response',
    status,
    reason: status === 407 ? 'Proxy Authentication Required' : 'Unauthorized',
    headers: values.map((value) => ({ name, value })),
    body: Buffer.alloc(0),
  };
}

const headersFor = (c: DigestCredentials) => c.headers('INVITE', 'sip:b@x', Buffer.alloc(0));
const creds = () => new DigestCredentials({ username: 'alice', password: 'pw' }, silentLogger);

describe('DigestCredentials', () => {
  it('answers the topmost supported challenge per realm, counting nonce uses', () => {
    const c = creds();
    expect(
      c.answerChallenge(
        challenge(
          407,
          'Digest realm="a", nonce="n0", algorithm=SHA-1', // unsupported: skipped
          'Digest realm="a", nonce="n1", qop="auth"',
          'Digest realm="a", nonce="n2"',
          'Digest realm="b", nonce="m1"',
        ),
      ),
    ).toBe(true);
    const first = headersFor(c);
    expect(first.map((h) => h.name)).toEqual(['Proxy-Authorization', 'Proxy-Authorization']);
    expect(first[0]?.value).toMatch(/realm="a", nonce="n1".*nc=00000001/);
    expect(first[1]?.value).toMatch(/realm="b", nonce="m1"/);
    expect(headersFor(c)[0]?.value).toMatch(/nc=00000002/);
  });

  it('gives up on a repeated nonce unless it is stale, and after three attempts', () => {
    const c = creds();
    expect(c.answerChallenge(challenge(401, 'Digest realm="r", nonce="n"'))).toBe(true);
    expect(c.answerChallenge(challenge(401, 'Digest realm="r", nonce="n"'))).toBe(false);
    expect(c.answerChallenge(challenge(401, 'Digest realm="r", nonce="n", stale=true'))).toBe(true);
    expect(c.answerChallenge(challenge(401, 'Digest realm="r", nonce="n2"'))).toBe(true);
    expect(c.answerChallenge(challenge(401, 'Digest realm="r", nonce="n3"'))).toBe(false);
  });

  it('sends nothing without credentials or a usable challenge', () => {
    const none = new DigestCredentials({}, silentLogger);
    expect(none.answerChallenge(challenge(401, 'Digest realm="r", nonce="n"'))).toBe(false);
    expect(none.learnChallenge(challenge(401, 'Digest realm="r", nonce="n"'))).toBe(false);
    expect(headersFor(none)).toEqual([]);
    expect(creds().answerChallenge(challenge(401, 'Basic realm="r"'))).toBe(false);
  });

  it('learns one challenge for an in-dialog retry, with a fresh nonce count', () => {
    const c = creds();
    expect(c.learnChallenge(challenge(401, 'Digest realm="r", nonce="b", qop="auth"'))).toBe(true);
    const [auth] = c.headers('BYE', 'sip:b@x', Buffer.alloc(0));
    expect(auth?.name).toBe('Authorization');
    expect(auth?.value).toMatch(/nonce="b".*nc=00000001/);
  });
});
