// One outgoing call: the INVITE client side with digest auth, the dialog (RFC 3261 §12-15),
// in-dialog requests from the far end (BYE, REFER per RFC 3515, re-INVITE, UPDATE, OPTIONS,
// INFO) and the media session.
import { randomBytes, randomInt } from 'node:crypto';
import type { ReceivedAudio, ReceivedPacket } from './audio.js';
import {
  buildAuthorization,
  isSupportedAlgorithm,
  parseDigestChallenge,
  redactCredentials,
  type DigestChallenge,
} from './digest.js';
import type { DetectedDtmf, DtmfOptions } from './dtmf.js';
import { mulawToPcm16 } from './g711.js';
import { childLogger, type SipCallerLogger } from './logger.js';
import { OutgoingMedia, type PlaybackResult } from './outgoing.js';
import { RtpSession, type PortRange, type RtpStats, type SentPacketRecord } from './rtp-session.js';
import {
  answerDirection,
  buildAudioSdp,
  negotiateAudio,
  parseSdp,
  type MediaDirection,
  type NegotiatedAudio,
  type SessionDescription,
} from './sdp.js';
import {
  escapeUser,
  formatNameAddr,
  getHeader,
  getHeaders,
  headerTag,
  parseCSeq,
  parseNameAddr,
  parseSipUri,
  serializeSipMessage,
  type SipHeader,
  type SipParams,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import {
  buildResponse,
  ClientTransaction,
  responseDestination,
  type Destination,
  type ResponseOptions,
  type SipTimers,
  type TransactionHost,
} from './transaction.js';
import { readWav8k, writeWav } from './wav.js';

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

/** What a call needs from the user agent that owns the socket. */
export interface CallContext {
  readonly timers: SipTimers;
  readonly logger: SipCallerLogger;
  readonly now: () => number;
  readonly localAddress: string;
  readonly advertisedAddress: string;
  readonly userAgent: string;
  readonly rtpPorts: PortRange;
  readonly soxPath?: string;
  /** Binds the SIP socket if needed. */
  ready(): Promise<unknown>;
  localPort(): number;
  sendRaw(buffer: Buffer, dest: Destination): void;
  setTimer(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimer(timer: NodeJS.Timeout | undefined): void;
  registerTransaction(key: string, tx: ClientTransaction): void;
  unregisterTransaction(key: string, tx: ClientTransaction): void;
  /** Sends a response and keeps it for retransmitted requests. */
  respond(request: SipRequest, response: SipResponse, dest: Destination): void;
  /** Called once the call no longer needs to receive messages. */
  release(call: CallImpl): void;
}

export interface ResolvedCallOptions {
  to: string;
  from: string;
  displayName?: string;
  domain: string;
  server: Destination;
  username?: string;
  password?: string;
  headers: SipHeader[];
  answerTimeoutMs: number;
  referNotify: { status: number; reason: string };
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE';
const KNOWN_METHODS = new Set(['SUBSCRIBE', 'MESSAGE', 'PRACK', 'PUBLISH', 'REGISTER']);
const MAX_AUTH_ATTEMPTS = 3;

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `z9hG4bK${randomHex(10)}`;
}

export function hostPort(host: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

/** Where to send a request for a URI (no DNS SRV/NAPTR: A/AAAA lookups by the socket only). */
export function uriDestination(uri: string): Destination {
  const parsed = parseSipUri(uri);
  const maddr = parsed.params['maddr'];
  const host = (maddr ?? parsed.host).replace(/^\[|\]$/g, '');
  return { host, port: parsed.port ?? 5060 };
}

type Listener = (value: never) => void;

type Responder = (
  status: number,
  reason: string,
  extra?: SipHeader[],
  body?: Buffer,
  contentType?: string,
) => SipResponse;

interface AuthEntry {
  header: 'Authorization' | 'Proxy-Authorization';
  challenge: DigestChallenge;
  nc: number;
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class CallImpl implements Call {
  readonly id: string;
  readonly refers: ReferRequest[] = [];
  readonly dtmfReceived: DetectedDtmf[] = [];
  readonly sipLog: SipLogEntry[] = [];
  readonly ringing: Promise<ProvisionalInfo>;
  readonly answered: Promise<AnsweredInfo>;
  readonly ended: Promise<CallEnd>;

  private _state: CallState = 'calling';
  private readonly ringingD = deferred<ProvisionalInfo>();
  private readonly answeredD = deferred<AnsweredInfo>();
  private readonly endedD = deferred<CallEnd>();
  private ringingSettled = false;
  private answeredSettled = false;
  private endInfo: CallEnd | undefined;
  private readonly listeners = new Map<keyof CallEvents, Set<Listener>>();
  private readonly log: SipCallerLogger;
  private readonly outgoing: OutgoingMedia;
  private rtp: RtpSession | undefined;

  // Dialog state
  private readonly localTag = randomHex(6);
  private readonly localUri: string;
  private readonly remoteUri: string;
  private readonly requestUri: string;
  private localCSeq = 0;
  private remoteCSeq: number | undefined;
  private remoteTag: string | undefined;
  private remoteTarget: string | undefined;
  private routeSet: string[] = [];
  private readonly transactions = new Set<ClientTransaction>();

  // INVITE state
  private invite: SipRequest | undefined;
  private inviteTx: ClientTransaction | undefined;
  private readonly auth = new Map<string, AuthEntry>();
  private readonly answeredNonces = new Set<string>();
  private authAttempts = 0;
  private ack2xx: { cseq: number; request: SipRequest; dest: Destination } | undefined;
  private cancelRequested = false;
  private cancelSent = false;
  private cancelReason: EndReason = 'cancelled';
  private answerTimer: NodeJS.Timeout | undefined;
  private cancelGuardTimer: NodeJS.Timeout | undefined;
  private media: NegotiatedAudio | undefined;

  // Local SDP
  private readonly sdpSessionId = String(randomInt(1, 2 ** 31));
  private sdpVersion = 1;
  private localSdp = '';
  private localDirection: MediaDirection = 'sendrecv';
  private pendingReinvite:
    { response: SipResponse; dest: Destination; timer?: NodeJS.Timeout } | undefined;

  constructor(
    private readonly ctx: CallContext,
    private readonly opts: ResolvedCallOptions,
  ) {
    this.id = `${randomHex(12)}@${hostPort(ctx.advertisedAddress)}`;
    this.log = childLogger(ctx.logger, { callId: this.id, to: opts.to });
    this.ringing = this.ringingD.promise;
    this.answered = this.answeredD.promise;
    this.ended = this.endedD.promise;
    // Unobserved rejections must not crash the test runner; awaiting still sees them.
    this.ringing.catch(() => undefined);
    this.answered.catch(() => undefined);
    const domainHost = hostPort(opts.domain);
    this.localUri = `sip:${escapeUser(opts.from)}@${domainHost}`;
    this.remoteUri = `sip:${escapeUser(opts.to)}@${domainHost}`;
    const withPort =
      opts.domain === opts.server.host && opts.server.port !== 5060
        ? hostPort(opts.domain, opts.server.port)
        : domainHost;
    this.requestUri = `sip:${escapeUser(opts.to)}@${withPort}`;
    this.outgoing = new OutgoingMedia({
      ssrc: randomBytes(4).readUInt32BE(0),
      initialSequence: randomInt(0x10000),
      initialTimestamp: randomBytes(4).readUInt32BE(0),
      now: ctx.now,
    });
  }

  get state(): CallState {
    return this._state;
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  on<K extends keyof CallEvents>(event: K, listener: (value: CallEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  onAudio(listener: (packet: CallEvents['audio']) => void): () => void {
    return this.on('audio', listener);
  }

  play(samples: Int16Array): Promise<PlaybackResult> {
    if (this.endInfo) return Promise.resolve({ completed: false, packets: 0 });
    return this.outgoing.enqueueAudio(samples);
  }

  async playWav(path: string): Promise<PlaybackResult> {
    const opts = this.ctx.soxPath ? { soxPath: this.ctx.soxPath } : {};
    return this.play(await readWav8k(path, opts));
  }

  sendDtmf(digits: string, options?: DtmfOptions): Promise<PlaybackResult> {
    if (this.endInfo) return Promise.resolve({ completed: false, packets: 0 });
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

  waitForRefer(timeoutMs = 10_000): Promise<ReferRequest> {
    const existing = this.refers[0];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const offRefer = this.on('refer', (r) => {
        cleanup();
        resolve(r);
      });
      const offEnded = this.on('ended', (end) => {
        cleanup();
        reject(new CallFailedError(end));
      });
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no REFER within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        offRefer();
        offEnded();
      };
    });
  }

  hangup(): Promise<CallEnd> {
    switch (this._state) {
      case 'calling':
        // No provisional yet: a CANCEL must wait for one (§9.1). End now; the lingering
        // handlers send the CANCEL (or ACK + BYE a late 2xx) when the far end answers.
        this.cancelRequested = true;
        this.finish({ by: 'local', reason: 'cancelled' });
        break;
      case 'proceeding':
        this.cancelRequested = true;
        this.sendCancel();
        break;
      case 'confirmed':
        this.sendBye();
        break;
      default:
        break;
    }
    return this.ended;
  }

  // -------------------------------------------------------------------------------------------
  // Setup and INVITE

  async start(): Promise<void> {
    try {
      await this.ctx.ready();
      this.rtp = await RtpSession.open({
        localAddress: this.ctx.localAddress,
        portRange: this.ctx.rtpPorts,
        logger: this.log,
        now: this.ctx.now,
        outgoing: this.outgoing,
      });
    } catch (err) {
      this.finish({ by: 'local', reason: 'transport-error', error: (err as Error).message });
      this.release();
      return;
    }
    if (this.endInfo) {
      this.release();
      return;
    }
    this.rtp.onPacket((p) => this.emit('audio', p));
    this.rtp.onDtmf((d) => {
      this.dtmfReceived.push(d);
      this.emit('dtmf', d);
    });
    this.localSdp = this.buildLocalSdp();
    this.sendInvite();
  }

  private buildLocalSdp(): string {
    if (!this.rtp) throw new Error('RTP session not open');
    return buildAudioSdp({
      address: this.ctx.advertisedAddress,
      port: this.rtp.port,
      sessionId: this.sdpSessionId,
      sessionVersion: this.sdpVersion,
      direction: this.localDirection,
    });
  }

  private contactHeader(): SipHeader {
    const uri = `sip:${escapeUser(this.opts.from)}@${hostPort(this.ctx.advertisedAddress, this.ctx.localPort())}`;
    return { name: 'Contact', value: `<${uri}>` };
  }

  private via(branch: string): SipHeader {
    return {
      name: 'Via',
      value: `SIP/2.0/UDP ${hostPort(this.ctx.advertisedAddress, this.ctx.localPort())};branch=${branch};rport`,
    };
  }

  private fromHeader(): SipHeader {
    const addr: Parameters<typeof formatNameAddr>[0] = {
      uri: this.localUri,
      params: { tag: this.localTag },
    };
    if (this.opts.displayName) addr.displayName = this.opts.displayName;
    return { name: 'From', value: formatNameAddr(addr) };
  }

  private toHeader(): SipHeader {
    const params: SipParams = this.remoteTag ? { tag: this.remoteTag } : {};
    return { name: 'To', value: formatNameAddr({ uri: this.remoteUri, params }) };
  }

  private sendInvite(): void {
    const cseq = ++this.localCSeq;
    const body = Buffer.from(this.localSdp);
    const headers: SipHeader[] = [
      this.via(newBranch()),
      { name: 'Max-Forwards', value: '70' },
      this.fromHeader(),
      this.toHeader(),
      { name: 'Call-ID', value: this.id },
      { name: 'CSeq', value: `${cseq} INVITE` },
      this.contactHeader(),
      { name: 'Allow', value: ALLOW },
      { name: 'User-Agent', value: this.ctx.userAgent },
      ...this.opts.headers,
      ...this.authHeaders('INVITE', this.requestUri, body),
      { name: 'Content-Type', value: 'application/sdp' },
    ];
    const request: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: this.requestUri,
      headers,
      body,
    };
    this.invite = request;
    const tx = this.newTransaction(request, this.opts.server, {
      onResponse: (res) => this.onInviteResponse(res, cseq),
      onTimeout: () => {
        this.clearAnswerTimer();
        this.finish({
          by: 'local',
          reason: 'timeout',
          status: 408,
          reasonPhrase: 'Request Timeout',
        });
        this.releaseSoon();
      },
    });
    this.inviteTx = tx;
    tx.start();
  }

  private onInviteResponse(res: SipResponse, cseq: number): void {
    const at = this.ctx.now();
    const status = res.status;
    if (status < 200) {
      if (this._state === 'calling') this.setState('proceeding');
      const info = { status, reason: res.reason, at };
      this.emit('provisional', info);
      if ((status === 180 || status === 183) && !this.ringingSettled) {
        this.ringingSettled = true;
        this.ringingD.resolve(info);
        this.emit('ringing', info);
      }
      if (this.cancelRequested) this.sendCancel();
      else this.armAnswerTimer();
      return;
    }
    this.clearAnswerTimer();
    if (status < 300) {
      this.on2xx(res, cseq, at);
      return;
    }
    if ((status === 401 || status === 407) && !this.cancelRequested && this.retryWithAuth(res)) {
      return;
    }
    this.clearTimer(this.cancelGuardTimer);
    if (this.cancelRequested) {
      this.finish({ by: 'local', reason: this.cancelReason, status, reasonPhrase: res.reason });
    } else {
      this.finish({
        by: 'remote',
        reason: status === 401 || status === 407 ? 'auth-failed' : 'rejected',
        status,
        reasonPhrase: res.reason,
      });
    }
    this.releaseSoon();
  }

  /** Answers 401/407 challenges; false when it cannot (no credentials, repeated nonce, ...). */
  private retryWithAuth(res: SipResponse): boolean {
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
    this.sendInvite();
    return true;
  }

  /** Credentials for every realm that challenged us (nonce count increments per use). */
  private authHeaders(method: string, uri: string, body: Buffer): SipHeader[] {
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

  private on2xx(res: SipResponse, cseq: number, at: number): void {
    const toTag = headerTag(getHeader(res, 'To'));
    if (this.ack2xx) {
      if (this.ack2xx.cseq === cseq && toTag === this.remoteTag) {
        this.sendMessage(this.ack2xx.request, this.ack2xx.dest); // retransmitted 2xx
      } else {
        this.log.warn({ toTag }, 'ignoring 2xx from another fork');
      }
      return;
    }
    this.clearTimer(this.cancelGuardTimer);
    this.remoteTag = toTag;
    const contact = getHeader(res, 'Contact');
    try {
      this.remoteTarget = contact ? parseNameAddr(contact).uri : this.requestUri;
    } catch {
      this.remoteTarget = this.requestUri;
    }
    this.routeSet = getHeaders(res, 'Record-Route').reverse();
    // ACK for 2xx: in-dialog request with the INVITE's CSeq number and credentials (§13.2.2.4).
    const inviteAuth = (this.invite?.headers ?? []).filter(
      (h) => h.name === 'Authorization' || h.name === 'Proxy-Authorization',
    );
    const ack = this.buildInDialogRequest('ACK', inviteAuth, undefined, cseq);
    this.ack2xx = { cseq, ...ack };
    this.sendMessage(ack.request, ack.dest);

    if (this.cancelRequested || this.endInfo) {
      // Answered after we gave up: end the dialog we did not want.
      this.sendBye();
      return;
    }
    let remoteSdp: SessionDescription;
    let media: NegotiatedAudio;
    try {
      if (res.body.length === 0) throw new Error('200 OK has no SDP answer');
      remoteSdp = parseSdp(res.body.toString('utf8'));
      media = negotiateAudio(remoteSdp);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'unusable SDP answer; hanging up');
      this.setState('confirmed');
      this.sendBye({ reason: 'media-failed', error: (err as Error).message });
      return;
    }
    this.media = media;
    this.setState('confirmed');
    const info: AnsweredInfo = {
      at,
      status: res.status,
      reason: res.reason,
      remoteSdp,
      media,
      headers: res.headers,
    };
    if (!this.ringingSettled) {
      this.ringingSettled = true;
      this.ringingD.reject(new Error('answered without a 180/183'));
    }
    this.answeredSettled = true;
    this.answeredD.resolve(info);
    this.emit('answered', info);
    this.rtp?.start(media);
  }

  private armAnswerTimer(): void {
    if (this.answerTimer || this.opts.answerTimeoutMs <= 0) return;
    this.answerTimer = this.setTimer(() => {
      if (this._state !== 'proceeding') return;
      this.log.warn({ ms: this.opts.answerTimeoutMs }, 'no answer in time; cancelling');
      this.cancelReason = 'timeout';
      this.cancelRequested = true;
      this.sendCancel();
    }, this.opts.answerTimeoutMs);
  }

  private clearAnswerTimer(): void {
    this.clearTimer(this.answerTimer);
    this.answerTimer = undefined;
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.invite) return;
    this.cancelSent = true;
    const invite = this.invite;
    // CANCEL mirrors the INVITE's Request-URI, top Via, Call-ID, From, To, Route (§9.1).
    const headers: SipHeader[] = [];
    for (const name of ['Via', 'Max-Forwards', 'From', 'To', 'Call-ID']) {
      const value = getHeader(invite, name);
      if (value) headers.push({ name, value });
    }
    headers.push({
      name: 'CSeq',
      value: `${parseCSeq(getHeader(invite, 'CSeq') ?? '').seq} CANCEL`,
    });
    for (const route of getHeaders(invite, 'Route')) headers.push({ name: 'Route', value: route });
    headers.push({ name: 'User-Agent', value: this.ctx.userAgent });
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: invite.uri,
      headers,
      body: Buffer.alloc(0),
    };
    const tx = this.newTransaction(cancel, this.opts.server, {
      onResponse: (res) => this.log.debug({ status: res.status }, 'CANCEL answered'),
      onTimeout: () => this.log.warn({}, 'CANCEL timed out'),
    });
    tx.start();
    // If no final response to the INVITE arrives within 64*T1, consider it cancelled (§9.1).
    this.cancelGuardTimer = this.setTimer(() => {
      this.inviteTx?.terminate();
      this.finish({
        by: 'local',
        reason: this.cancelReason,
        status: 408,
        reasonPhrase: 'Request Timeout',
      });
      this.releaseSoon();
    }, 64 * this.ctx.timers.t1Ms);
  }

  // -------------------------------------------------------------------------------------------
  // In-dialog requests we send

  private buildInDialogRequest(
    method: string,
    extra: SipHeader[],
    body?: { contentType: string; data: Buffer },
    cseqOverride?: number,
  ): { request: SipRequest; dest: Destination } {
    const cseq = cseqOverride ?? ++this.localCSeq;
    const target = this.remoteTarget ?? this.requestUri;
    let uri = target;
    let routes = [...this.routeSet];
    const first = routes[0];
    if (first && !/;\s*lr\b/i.test(parseNameAddr(first).uri)) {
      // Strict routing (RFC 2543 proxies): the first route becomes the Request-URI (§12.2.1.1).
      uri = parseNameAddr(first).uri;
      routes = [...routes.slice(1), `<${target}>`];
    }
    const headers: SipHeader[] = [
      this.via(newBranch()),
      { name: 'Max-Forwards', value: '70' },
      this.fromHeader(),
      this.toHeader(),
      { name: 'Call-ID', value: this.id },
      { name: 'CSeq', value: `${cseq} ${method}` },
      ...routes.map((value) => ({ name: 'Route', value })),
    ];
    if (method !== 'ACK' && method !== 'BYE') headers.push(this.contactHeader());
    if (method !== 'ACK') headers.push({ name: 'User-Agent', value: this.ctx.userAgent });
    headers.push(...extra);
    if (body) headers.push({ name: 'Content-Type', value: body.contentType });
    const dest = uriDestination(this.routeSet[0] ? parseNameAddr(this.routeSet[0]).uri : target);
    return {
      request: { kind: 'request', method, uri, headers, body: body?.data ?? Buffer.alloc(0) },
      dest,
    };
  }

  /** Sends an in-dialog request in its own transaction, answering one digest challenge. */
  private sendInDialog(
    method: string,
    extra: SipHeader[],
    body: { contentType: string; data: Buffer } | undefined,
    onFinal: (res: SipResponse | undefined) => void,
    retried = false,
  ): void {
    const { request, dest } = this.buildInDialogRequest(method, extra, body);
    if (retried) {
      // Credentials go before Content-Type, computed over the actual Request-URI.
      const auth = this.authHeaders(method, request.uri, request.body);
      const at = request.headers.findIndex((h) => h.name === 'Content-Type');
      request.headers.splice(at < 0 ? request.headers.length : at, 0, ...auth);
    }
    const tx = this.newTransaction(request, dest, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if ((res.status === 401 || res.status === 407) && !retried && this.learnChallenge(res)) {
          this.sendInDialog(method, extra, body, onFinal, true);
          return;
        }
        onFinal(res);
      },
      onTimeout: () => onFinal(undefined),
    });
    tx.start();
  }

  private learnChallenge(res: SipResponse): boolean {
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

  private sendBye(failure?: { reason: EndReason; error: string }): void {
    if (this._state === 'terminating' || (this._state === 'ended' && !this.cancelRequested)) return;
    if (this._state !== 'ended') this.setState('terminating');
    this.rtp?.stopSending();
    this.outgoing.clear();
    this.sendInDialog('BYE', [], undefined, (res) => {
      const end: Omit<CallEnd, 'at' | 'answered'> = {
        by: 'local',
        reason: failure?.reason ?? 'bye',
        status: res?.status ?? 408,
        reasonPhrase: res?.reason ?? 'Request Timeout',
      };
      if (failure) end.error = failure.error;
      this.finish(end);
      this.releaseSoon();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Requests from the far end

  handleRequest(req: SipRequest, source: Destination): void {
    if (req.method === 'ACK') {
      this.onAck(req);
      return;
    }
    const dest = responseDestination(req, source);
    const respond: Responder = (status, reason, extra = [], body, contentType) => {
      const options: ResponseOptions = {
        toTag: this.localTag,
        headers: [...extra, { name: 'Server', value: this.ctx.userAgent }],
      };
      if (body) options.body = body;
      if (contentType) options.contentType = contentType;
      const response = buildResponse(req, status, reason, source, options);
      this.logMessage('out', response, dest);
      this.ctx.respond(req, response, dest);
      return response;
    };
    const toTag = headerTag(getHeader(req, 'To'));
    const fromTag = headerTag(getHeader(req, 'From'));
    if (req.method === 'CANCEL') {
      // Our re-INVITE answers are immediate, so there is nothing left to cancel.
      respond(
        toTag === this.localTag ? 200 : 481,
        toTag === this.localTag ? 'OK' : 'Call/Transaction Does Not Exist',
      );
      return;
    }
    if (!this.remoteTag || toTag !== this.localTag || fromTag !== this.remoteTag || this.endInfo) {
      respond(481, 'Call/Transaction Does Not Exist');
      return;
    }
    let cseq: number;
    try {
      cseq = parseCSeq(getHeader(req, 'CSeq') ?? '').seq;
    } catch {
      respond(400, 'Bad Request');
      return;
    }
    if (this.remoteCSeq !== undefined && cseq <= this.remoteCSeq) {
      respond(500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]);
      return;
    }
    this.remoteCSeq = cseq;
    this.emit('request', req);

    switch (req.method) {
      case 'BYE':
        respond(200, 'OK');
        if (this._state === 'terminating') {
          this.finish({ by: 'local', reason: 'bye', status: 200, reasonPhrase: 'OK' });
        } else {
          this.finish({ by: 'remote', reason: 'bye' });
        }
        this.releaseSoon();
        return;
      case 'REFER':
        this.onRefer(req, cseq, respond);
        return;
      case 'OPTIONS':
        respond(200, 'OK', [
          { name: 'Allow', value: ALLOW },
          { name: 'Accept', value: 'application/sdp' },
        ]);
        return;
      case 'INFO':
        respond(200, 'OK');
        return;
      case 'NOTIFY':
        // We never subscribe to anything (RFC 6665 §4.1.3).
        respond(481, 'Subscription Does Not Exist');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.onSessionModification(req, respond, dest);
        return;
      default:
        if (KNOWN_METHODS.has(req.method)) {
          respond(405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOW }]);
        } else {
          respond(501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
        }
    }
  }

  private onRefer(req: SipRequest, cseq: number, respond: Responder): void {
    const referTos = getHeaders(req, 'Refer-To');
    const referTo = referTos[0];
    if (referTos.length !== 1 || !referTo) {
      respond(400, 'Bad Request');
      return;
    }
    let referToUri: string;
    try {
      referToUri = parseNameAddr(referTo).uri;
    } catch {
      respond(400, 'Bad Request');
      return;
    }
    respond(202, 'Accepted', [this.contactHeader()]);
    const refer: ReferRequest = {
      at: this.ctx.now(),
      referTo,
      referToUri,
      cseq,
      headers: req.headers,
    };
    const referredBy = getHeader(req, 'Referred-By');
    if (referredBy) refer.referredBy = referredBy;
    // The first REFER's NOTIFY carries a bare `refer`; later ones an id (RFC 3515 §2.4.6).
    const event = this.refers.length === 0 ? 'refer' : `refer;id=${cseq}`;
    this.refers.push(refer);
    this.emit('refer', refer);
    const { status, reason } = this.opts.referNotify;
    this.sendInDialog(
      'NOTIFY',
      [
        { name: 'Event', value: event },
        { name: 'Subscription-State', value: 'terminated;reason=noresource' },
      ],
      {
        contentType: 'message/sipfrag;version=2.0',
        data: Buffer.from(`SIP/2.0 ${status} ${reason}\r\n`),
      },
      (res) => {
        refer.notifyResponse = res?.status ?? 408;
        if (!res || res.status >= 300)
          this.log.warn({ status: res?.status }, 'NOTIFY not accepted');
      },
    );
  }

  /** re-INVITE / UPDATE: answer an SDP offer (or make one when the request has none). */
  private onSessionModification(req: SipRequest, respond: Responder, dest: Destination): void {
    if (req.method === 'INVITE' && this.pendingReinvite) {
      respond(500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]);
      return;
    }
    const contact = getHeader(req, 'Contact');
    if (contact) {
      try {
        this.remoteTarget = parseNameAddr(contact).uri; // target refresh (§12.2.2)
      } catch {
        // keep the previous target
      }
    }
    if (req.body.length > 0) {
      try {
        const offer = parseSdp(req.body.toString('utf8'));
        const media = negotiateAudio(offer);
        this.applyMedia(
          media,
          answerDirection(offer.media.find((m) => m.type === 'audio')?.direction ?? 'sendrecv'),
        );
      } catch (err) {
        respond(488, 'Not Acceptable Here', [
          { name: 'Warning', value: `399 - "${(err as Error).message}"` },
        ]);
        return;
      }
    }
    const response = respond(
      200,
      'OK',
      [this.contactHeader(), { name: 'Allow', value: ALLOW }],
      Buffer.from(this.localSdp),
      'application/sdp',
    );
    if (req.method === 'INVITE') {
      // Retransmit the 2xx until the ACK arrives (§13.3.1.4).
      this.pendingReinvite = { response, dest };
      this.retransmitReinviteOk(this.ctx.timers.t1Ms, 0);
    }
  }

  private retransmitReinviteOk(interval: number, elapsed: number): void {
    const pending = this.pendingReinvite;
    if (!pending) return;
    pending.timer = this.setTimer(() => {
      if (this.pendingReinvite !== pending) return;
      if (elapsed + interval >= 64 * this.ctx.timers.t1Ms) {
        this.log.warn({}, 'no ACK for re-INVITE 200 OK');
        this.pendingReinvite = undefined;
        return;
      }
      this.sendMessage(pending.response, pending.dest);
      this.retransmitReinviteOk(Math.min(interval * 2, this.ctx.timers.t2Ms), elapsed + interval);
    }, interval);
  }

  private onAck(req: SipRequest): void {
    const pending = this.pendingReinvite;
    if (!pending) return;
    this.clearTimer(pending.timer);
    this.pendingReinvite = undefined;
    if (req.body.length > 0) {
      try {
        const answer = parseSdp(req.body.toString('utf8'));
        this.applyMedia(negotiateAudio(answer), this.localDirection);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'unusable SDP in ACK');
      }
    }
  }

  private applyMedia(media: NegotiatedAudio, direction: MediaDirection): void {
    this.media = media;
    const sdpBefore = this.localSdp;
    this.localDirection = direction;
    const candidate = this.buildLocalSdp();
    if (candidate !== sdpBefore) {
      this.sdpVersion++;
      this.localSdp = this.buildLocalSdp();
    }
    if (this._state === 'confirmed') this.rtp?.start(media);
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  handleResponse(res: SipResponse, tx: ClientTransaction, source: Destination): void {
    this.logMessage('in', res, source);
    tx.receive(res);
  }

  logIncomingRequest(req: SipRequest, source: Destination): void {
    this.logMessage('in', req, source);
  }

  private newTransaction(
    request: SipRequest,
    dest: Destination,
    handlers: ConstructorParameters<typeof ClientTransaction>[3],
  ): ClientTransaction {
    const host: TransactionHost = {
      timers: this.ctx.timers,
      send: (message, d) => this.sendMessage(message, d),
      setTimer: (fn, ms) => this.setTimer(fn, ms),
      clearTimer: (t) => this.clearTimer(t),
      register: (key, tx) => {
        this.transactions.add(tx);
        this.ctx.registerTransaction(key, tx);
      },
      unregister: (key, tx) => {
        this.transactions.delete(tx);
        this.ctx.unregisterTransaction(key, tx);
      },
    };
    return new ClientTransaction(host, request, dest, handlers);
  }

  private sendMessage(message: SipRequest | SipResponse, dest: Destination): void {
    this.logMessage('out', message, dest);
    this.ctx.sendRaw(serializeSipMessage(message), dest);
  }

  private logMessage(
    direction: 'in' | 'out',
    message: SipRequest | SipResponse,
    peer: Destination,
  ): void {
    const summary =
      message.kind === 'request'
        ? `${message.method} ${message.uri}`
        : `${message.status} ${message.reason} (${getHeader(message, 'CSeq') ?? ''})`;
    const text = redactCredentials(serializeSipMessage(message).toString('utf8'));
    const entry: SipLogEntry = {
      direction,
      at: this.ctx.now(),
      peer: hostPort(peer.host, peer.port),
      summary,
      text,
    };
    this.sipLog.push(entry);
    this.log.debug(
      { direction, peer: entry.peer },
      `${direction === 'in' ? '<-' : '->'} ${summary}`,
    );
    this.log.trace?.({ direction, peer: entry.peer, message: text }, 'SIP message');
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  private setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = this.ctx.setTimer(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clearTimer(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    this.timers.delete(timer);
    this.ctx.clearTimer(timer);
  }

  private setState(state: CallState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }

  private emit<K extends keyof CallEvents>(event: K, value: CallEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (v: CallEvents[K]) => void)(value);
      } catch (err) {
        this.log.error({ err: (err as Error).message, event }, 'call event listener threw');
      }
    }
  }

  private finish(end: Omit<CallEnd, 'at' | 'answered'>): void {
    if (this.endInfo) return;
    const info: CallEnd = { ...end, at: this.ctx.now(), answered: this.answeredSettled };
    this.endInfo = info;
    this.clearAnswerTimer();
    this.outgoing.clear();
    this.rtp?.stopSending();
    // Keep receiving RTP until release (late audio is harmless) but never send again.
    this.setState('ended');
    if (!this.ringingSettled) {
      this.ringingSettled = true;
      this.ringingD.reject(new CallFailedError(info));
    }
    if (!this.answeredSettled) {
      this.answeredSettled = true;
      this.answeredD.reject(new CallFailedError(info));
    }
    this.log.info(
      { by: info.by, reason: info.reason, status: info.status, answered: info.answered },
      'call ended',
    );
    this.endedD.resolve(info);
    this.emit('ended', info);
    if (end.reason === 'cancelled' && this.inviteTx?.state === 'calling') {
      // Still waiting for the first response: linger until Timer B.
      this.releaseSoon(64 * this.ctx.timers.t1Ms);
    }
  }

  private released = false;
  private releaseTimer: NodeJS.Timeout | undefined;

  /** Stays reachable for retransmissions for a while (64*T1 by default), then lets go. */
  private releaseSoon(ms = 64 * this.ctx.timers.t1Ms): void {
    if (this.released) return;
    this.clearTimer(this.releaseTimer);
    this.rtp?.close();
    this.releaseTimer = this.setTimer(() => this.release(), ms);
  }

  /** Drops every timer and transaction; the call no longer receives messages. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (!this.endInfo) this.finish({ by: 'local', reason: 'closed' });
    for (const t of this.timers) this.ctx.clearTimer(t);
    this.timers.clear();
    for (const tx of [...this.transactions]) tx.terminate();
    this.rtp?.close();
    this.ctx.release(this);
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Ends an active call for SipCaller.close(): BYE/CANCEL, bounded by `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (!this.endInfo) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.hangup(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.release();
  }
}
