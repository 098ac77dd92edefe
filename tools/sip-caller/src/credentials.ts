// A call's digest credentials: the challenges it has answered, per realm, and the Authorization /
// Proxy-Authorization headers they yield for each request (digest.ts does the hashing).
import {
  buildAuthorization,
  isSupportedAlgorithm,
  parseDigestChallenge,
  type DigestChallenge,
} from './digest.js';
import type { SipCallerLogger } from './logger.js';
import { getHeaders, type SipHeader, type SipResponse } from './sip-message.js';

const MAX_AUTH_ATTEMPTS = 3;

interface AuthEntry {
  header: 'Authorization' | 'Proxy-Authorization';
  challenge: DigestChallenge;
  nc: number;
}

export class DigestCredentials {
  private readonly auth = new Map<string, AuthEntry>();
  private readonly answeredNonces = new Set<string>();
  private authAttempts = 0;

  constructor(
    private readonly opts: { username?: string; password?: string },
    private readonly log: SipCallerLogger,
  ) {}

  /**
   * Takes the 401/407 challenges to an INVITE so that the retried INVITE answers them; false
   * when it cannot (no credentials, repeated nonce, ...).
   */
  answerChallenge(res: SipResponse): boolean {
    const { username, password } = this.opts;
    if (username === undefined || password === undefined) {
      this.log.warn({ status: res.status }, 'challenged but no credentials configured');
      return false;
    }
    if (this.authAttempts >= MAX_AUTH_ATTEMPTS) return false;
    const header = res.status === 407 ? 'Proxy-Authorization' : 'Authorization';
    const challenges = getHeaders(
      res,
      res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate',
    )
      .map((value) => parseDigestChallenge(value))
      .filter((c): c is DigestChallenge => c !== undefined && isSupportedAlgorithm(c.algorithm));
    if (challenges.length === 0) {
      this.log.warn({ status: res.status }, 'no supported digest challenge');
      return false;
    }
    // The topmost supported challenge per realm (RFC 8760 §2.4).
    const byRealm = new Map<string, DigestChallenge>();
    for (const c of challenges) if (!byRealm.has(c.realm)) byRealm.set(c.realm, c);
    for (const c of byRealm.values()) {
      const nonceKey = `${c.realm}\n${c.nonce}`;
      if (this.answeredNonces.has(nonceKey) && !c.stale) {
        this.log.warn({ status: res.status, realm: c.realm }, 'credentials rejected');
        return false;
      }
    }
    for (const c of byRealm.values()) {
      this.answeredNonces.add(`${c.realm}\n${c.nonce}`);
      this.auth.set(`${header}\n${c.realm}`, { header, challenge: c, nc: 0 });
    }
    this.authAttempts++;
    this.log.debug(
      { status: res.status, realms: [...byRealm.keys()] },
      'answering digest challenge',
    );
    return true;
  }

  /** Takes one challenge to an in-dialog request, for its single retry. */
  learnChallenge(res: SipResponse): boolean {
    if (this.opts.username === undefined || this.opts.password === undefined) return false;
    const header = res.status === 407 ? 'Proxy-Authorization' : 'Authorization';
    const challenge = getHeaders(
      res,
      res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate',
    )
      .map((v) => parseDigestChallenge(v))
      .find((c) => c !== undefined && isSupportedAlgorithm(c.algorithm));
    if (!challenge) return false;
    this.auth.set(`${header}\n${challenge.realm}`, { header, challenge, nc: 0 });
    return true;
  }

  /** Credentials for every realm that challenged us (nonce count increments per use). */
  headers(method: string, uri: string, body: Buffer): SipHeader[] {
    const { username, password } = this.opts;
    if (username === undefined || password === undefined) return [];
    const out: SipHeader[] = [];
    for (const entry of this.auth.values()) {
      entry.nc++;
      out.push({
        name: entry.header,
        value: buildAuthorization(entry.challenge, {
          username,
          password,
          method,
          uri,
          body,
          nc: entry.nc,
        }),
      });
    }
    return out;
  }
}
