// The user agent: one SIP transport shared by its calls (a UDP socket, or a TLS connection to the
// server), message routing to client transactions and dialogs, server-transaction retransmission
// handling, and option defaults.
import { randomBytes } from 'node:crypto';
import type { Call } from './call-api.js';
import type { CallContext, ResolvedCallOptions } from './call-context.js';
import { CallImpl } from './call.js';
import { ALLOW } from './far-end-requests.js';
import { silentLogger, type SipCallerLogger } from './logger.js';
import type { PortRange } from './rtp-session.js';
import {
  getHeader,
  hasHeader,
  hostPort,
  parseSipMessage,
  serializeSipMessage,
  transactionKey,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import type { SipTransport, SipTransportName } from './sip-transport.js';
import { createTlsTransport, type TlsOptions } from './tls-transport.js';
import { createUdpTransport } from './udp-transport.js';
import {
  buildResponse,
  DEFAULT_TIMERS,
  responseDestination,
  type ClientTransaction,
  type Destination,
  type SipTimers,
} from './transaction.js';

export type MediaEncryption = 'none' | 'srtp';

export interface SipCallerOptions {
  /** The SIP server (livekit-sip): every initial INVITE is sent here. Port 5060, 5061 for TLS. */
  server: { host: string; port?: number };
  /** udp (default), or tls: one verified TLS connection to the server carries every message. */
  transport?: 'udp' | 'tls';
  /** For `transport: 'tls'`: the CA to verify the server with (default: the system's). */
  tls?: TlsOptions;
  /**
   * Default media: none (RTP/AVP) or srtp (RTP/SAVP with an SDES key, AES_CM_128_HMAC_SHA1_80;
   * the answer must be SRTP too, else the call is hung up as `media-failed`).
   */
  mediaEncryption?: MediaEncryption;
  /** Address every socket binds to (SIP and RTP). Default 127.0.0.1. */
  localAddress?: string;
  /** Local SIP port for UDP (default 0: any free port). */
  localPort?: number;
  /** Address written into Via/Contact/SDP (default: localAddress). */
  advertisedAddress?: string;
  /** Host part of the From/To/Request-URI (default: server.host). */
  domain?: string;
  /**
   * Host part of the From URI only (default: `domain`). Carriers put their own host there; tests
   * of source-address allowlists set it to claim another sender.
   */
  fromHost?: string;
  /** Digest credentials (never logged). */
  username?: string;
  password?: string;
  /** Default caller number: the From user part. */
  from?: string;
  /** Default display name in From. */
  displayName?: string;
  /** Default called number: the Request-URI / To user part. */
  to?: string;
  /** RTP port range (even port for RTP, the next odd one held for RTCP). Default 40000-40999. */
  rtpPorts?: PortRange;
  logger?: SipCallerLogger;
  userAgent?: string;
  /** RFC 3261 timers (T1 500 ms, T2 4 s, T4 5 s); lower them in tests. */
  timers?: Partial<SipTimers>;
  /** CANCEL when no final response arrives this long after the first provisional (60 s). */
  answerTimeoutMs?: number;
  /** Bound on each call's BYE/CANCEL during close() (default 2000 ms). */
  closeTimeoutMs?: number;
  /** Clock for every timestamp (epoch ms). Default: performance.timeOrigin + performance.now(). */
  now?: () => number;
  /** sox binary for resampling WAV files that are not 8 kHz (default `sox`). */
  soxPath?: string;
}

export interface CallOptions {
  /** Called number (Request-URI and To user part); default: the caller's `to`. */
  to?: string;
  /** Caller number (From user part); default: the caller's `from`. */
  from?: string;
  /** Host part of the From URI; default: the caller's `fromHost`. */
  fromHost?: string;
  displayName?: string;
  username?: string;
  password?: string;
  /** Extra INVITE headers, e.g. `{ 'X-Test-Case': 'refund' }`. */
  headers?: Record<string, string>;
  answerTimeoutMs?: number;
  /** The sipfrag status reported in the NOTIFY after a REFER (default 200 OK). */
  referNotify?: { status: number; reason: string };
  /** Media of this call; default: the caller's `mediaEncryption`. */
  mediaEncryption?: MediaEncryption;
}

export interface SipCaller {
  /** Places a call right away; the Call reports progress through its promises and events. */
  call(options?: CallOptions): Call;
  /** Calls that are still active or lingering for retransmissions. */
  readonly calls: readonly Call[];
  /** Binds the SIP socket or opens the TLS connection (done lazily by call()). */
  ready(): Promise<{ address: string; port: number }>;
  /** Hangs up every call (bounded wait), stops all timers and closes the sockets. */
  close(): Promise<void>;
}

const DEFAULT_RTP_PORTS: PortRange = { min: 40000, max: 40999 };

export function createSipCaller(options: SipCallerOptions): SipCaller {
  return new SipCallerImpl(options);
}

class SipCallerImpl implements SipCaller, CallContext {
  readonly timers: SipTimers;
  readonly logger: SipCallerLogger;
  readonly now: () => number;
  readonly localAddress: string;
  readonly advertisedAddress: string;
  readonly userAgent: string;
  readonly rtpPorts: PortRange;
  readonly soxPath?: string;
  readonly transportName: SipTransportName;

  private readonly server: Destination;
  private readonly transport: SipTransport;
  private closed = false;
  private readonly active = new Map<string, CallImpl>();
  private readonly transactions = new Map<string, ClientTransaction>();
  private readonly responseCache = new Map<string, { data: Buffer; dest: Destination }>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SipCallerOptions) {
    if (!options.server?.host) throw new Error('createSipCaller: server.host is required');
    const tls = options.transport === 'tls';
    this.server = { host: options.server.host, port: options.server.port ?? (tls ? 5061 : 5060) };
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.localAddress = options.localAddress ?? '127.0.0.1';
    this.transport = tls
      ? createTlsTransport({
          server: this.server,
          localAddress: this.localAddress,
          tls: options.tls ?? {},
          logger: this.logger,
        })
      : createUdpTransport({
          localAddress: this.localAddress,
          localPort: options.localPort ?? 0,
          logger: this.logger,
        });
    this.transportName = this.transport.name;
    this.transport.onMessage((data, source) => this.onMessage(data, source));
    this.advertisedAddress = options.advertisedAddress ?? this.localAddress;
    this.userAgent = options.userAgent ?? 'ecommerce-voicebot-e2e-sip-caller/0.1';
    this.rtpPorts = options.rtpPorts ?? DEFAULT_RTP_PORTS;
    if (
      this.rtpPorts.min < 1 ||
      this.rtpPorts.max > 65535 ||
      this.rtpPorts.max <= this.rtpPorts.min
    ) {
      throw new Error(
        `createSipCaller: invalid rtpPorts ${this.rtpPorts.min}-${this.rtpPorts.max}`,
      );
    }
    if (options.soxPath) this.soxPath = options.soxPath;
  }

  get calls(): readonly Call[] {
    return [...this.active.values()];
  }

  call(options: CallOptions = {}): Call {
    if (this.closed) throw new Error('SipCaller is closed');
    const to = options.to ?? this.options.to;
    const from = options.from ?? this.options.from ?? 'anonymous';
    if (!to) throw new Error('call(): no called number (`to`)');
    const headers: SipHeader[] = Object.entries(options.headers ?? {}).map(([name, value]) => ({
      name,
      value,
    }));
    const resolved: ResolvedCallOptions = {
      to,
      from,
      domain: this.options.domain ?? this.server.host,
      server: this.server,
      headers,
      answerTimeoutMs: options.answerTimeoutMs ?? this.options.answerTimeoutMs ?? 60_000,
      referNotify: options.referNotify ?? { status: 200, reason: 'OK' },
      srtp: (options.mediaEncryption ?? this.options.mediaEncryption ?? 'none') === 'srtp',
    };
    const displayName = options.displayName ?? this.options.displayName;
    if (displayName) resolved.displayName = displayName;
    const fromHost = options.fromHost ?? this.options.fromHost;
    if (fromHost !== undefined) resolved.fromHost = fromHost;
    const username = options.username ?? this.options.username;
    const password = options.password ?? this.options.password;
    if (username !== undefined) resolved.username = username;
    if (password !== undefined) resolved.password = password;
    const call = new CallImpl(this, resolved);
    this.active.set(call.id, call);
    void call.start();
    return call;
  }

  async ready(): Promise<{ address: string; port: number }> {
    if (this.closed) throw new Error('SipCaller is closed');
    const port = await this.transport.open();
    return { address: this.localAddress, port };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timeout = this.options.closeTimeoutMs ?? 2000;
    await Promise.all([...this.active.values()].map((c) => c.shutdown(timeout)));
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    this.responseCache.clear();
    for (const tx of [...this.transactions.values()]) tx.terminate();
    await this.transport.close();
  }

  // -------------------------------------------------------------------------------------------
  // CallContext

  get reliable(): boolean {
    return this.transport.reliable;
  }

  localPort(): number {
    return this.transport.localPort();
  }

  sendRaw(buffer: Buffer, dest: Destination): void {
    this.transport.send(buffer, dest);
  }

  setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      fn();
    }, ms);
    this.pendingTimers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.pendingTimers.delete(timer);
  }

  registerTransaction(key: string, tx: ClientTransaction): void {
    this.transactions.set(key, tx);
  }

  unregisterTransaction(key: string, tx: ClientTransaction): void {
    if (this.transactions.get(key) === tx) this.transactions.delete(key);
  }

  respond(request: SipRequest, response: SipResponse, dest: Destination): void {
    const data = serializeSipMessage(response);
    this.sendRaw(data, dest);
    const key = transactionKey(request);
    if (!key || request.method === 'ACK') return;
    // Server transaction (§17.2.2): answer retransmitted requests with the same response.
    this.responseCache.set(key, { data, dest });
    this.setTimer(() => this.responseCache.delete(key), 64 * this.timers.t1Ms);
  }

  release(call: Call): void {
    if (this.active.get(call.id) === call) this.active.delete(call.id);
  }

  // -------------------------------------------------------------------------------------------
  // Routing

  private onMessage(data: Buffer, source: Destination): void {
    if (data.toString('latin1').trim() === '') return; // keep-alive
    let message;
    try {
      message = parseSipMessage(data);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, from: hostPort(source.host, source.port) },
        'unparseable SIP message',
      );
      return;
    }
    const callId = getHeader(message, 'Call-ID');
    const call = callId ? this.active.get(callId) : undefined;
    if (message.kind === 'response') {
      const key = transactionKey(message);
      const tx = key ? this.transactions.get(key) : undefined;
      if (!tx) {
        this.logger.debug({ status: message.status, callId }, 'response matches no transaction');
        return;
      }
      if (call) call.handleResponse(message, tx, source);
      else tx.receive(message);
      return;
    }
    const request = message;
    if (request.method !== 'ACK') {
      const missing = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].find((h) => !hasHeader(request, h));
      if (missing) {
        if (hasHeader(request, 'Via')) this.reply(request, source, 400, `Missing ${missing}`);
        return;
      }
      const key = transactionKey(request);
      const cached = key ? this.responseCache.get(key) : undefined;
      if (cached) {
        this.sendRaw(cached.data, cached.dest); // retransmitted request
        return;
      }
    }
    if (call && !call.isReleased) {
      call.logIncomingRequest(request, source);
      call.handleRequest(request, source);
      return;
    }
    // Outside any dialog we know.
    switch (request.method) {
      case 'ACK':
        return;
      case 'OPTIONS':
        this.reply(request, source, 200, 'OK', [
          { name: 'Allow', value: ALLOW },
          { name: 'Accept', value: 'application/sdp' },
        ]);
        return;
      case 'INVITE':
        if (!/;\s*tag=/i.test(getHeader(request, 'To') ?? '')) {
          this.reply(request, source, 480, 'Temporarily Unavailable'); // a caller, not a callee
          return;
        }
        this.reply(request, source, 481, 'Call/Transaction Does Not Exist');
        return;
      default:
        this.reply(request, source, 481, 'Call/Transaction Does Not Exist');
    }
  }

  private reply(
    request: SipRequest,
    source: Destination,
    status: number,
    reason: string,
    headers: SipHeader[] = [],
  ): void {
    const response = buildResponse(request, status, reason, source, {
      toTag: randomBytes(4).toString('hex'),
      headers: [...headers, { name: 'Server', value: this.userAgent }],
    });
    this.respond(request, response, responseDestination(request, source));
  }
}
