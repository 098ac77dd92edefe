// Client transactions (RFC 3261 §17.1), over UDP or a reliable transport (no retransmissions,
// Timers D and K zero), and UAS response construction (§8.2.6, §18.2.2, RFC 3581 rport). Timers
// scale with T1 so tests can run them fast.
import {
  formatVia,
  getHeader,
  getHeaders,
  parseCSeq,
  parseVia,
  transactionKey,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';

export interface SipTimers {
  /** RTT estimate (default 500 ms). */
  t1Ms: number;
  /** Maximum retransmit interval for non-INVITE requests (default 4 s). */
  t2Ms: number;
  /** Maximum time a message stays in the network (default 5 s). */
  t4Ms: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 };

export interface Destination {
  host: string;
  port: number;
}

export interface TransactionHost {
  readonly timers: SipTimers;
  /** TLS/TCP: the transport delivers, so requests are sent once (§17.1.1.2, §17.1.2.2). */
  readonly reliable?: boolean;
  send(message: SipRequest | SipResponse, dest: Destination): void;
  setTimer(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimer(timer: NodeJS.Timeout | undefined): void;
  register(key: string, tx: ClientTransaction): void;
  unregister(key: string, tx: ClientTransaction): void;
}

export interface ClientTransactionHandlers {
  /**
   * Provisional responses, the first final response, and (INVITE only) every 2xx including
   * retransmissions, which the TU must answer with its ACK again (§13.2.2.4, RFC 6026).
   */
  onResponse(response: SipResponse): void;
  /** Timer B / Timer F fired without a final response. */
  onTimeout(): void;
}

type TxState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export class ClientTransaction {
  readonly key: string;
  readonly isInvite: boolean;
  state: TxState = 'calling';
  private retransmitTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private interval: number;
  private ack: SipRequest | undefined;

  constructor(
    private readonly host: TransactionHost,
    readonly request: SipRequest,
    readonly dest: Destination,
    private readonly handlers: ClientTransactionHandlers,
  ) {
    const key = transactionKey(request);
    if (!key) throw new Error('request has no Via branch or CSeq');
    this.key = key;
    this.isInvite = request.method === 'INVITE';
    this.interval = host.timers.t1Ms;
  }

  start(): void {
    this.host.register(this.key, this);
    this.host.send(this.request, this.dest);
    const { t1Ms } = this.host.timers;
    if (!this.host.reliable) this.scheduleRetransmit();
    // Timer B (INVITE) / Timer F (non-INVITE): 64*T1.
    this.timeoutTimer = this.host.setTimer(() => {
      if (this.state === 'calling' || (!this.isInvite && this.state === 'proceeding')) {
        this.terminate();
        this.handlers.onTimeout();
      }
    }, 64 * t1Ms);
  }

  private scheduleRetransmit(): void {
    this.retransmitTimer = this.host.setTimer(() => {
      if (this.state !== 'calling' && !(this.state === 'proceeding' && !this.isInvite)) return;
      this.host.send(this.request, this.dest);
      // Timer A doubles without bound; Timer E doubles up to T2, and is T2 once proceeding.
      this.interval = this.isInvite
        ? this.interval * 2
        : this.state === 'proceeding'
          ? this.host.timers.t2Ms
          : Math.min(this.interval * 2, this.host.timers.t2Ms);
      this.scheduleRetransmit();
    }, this.interval);
  }

  receive(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'terminated') return;
    if (this.state === 'completed') {
      // Retransmitted final response: re-send the ACK (INVITE), otherwise absorb.
      if (this.isInvite && this.ack && status >= 300) this.host.send(this.ack, this.dest);
      return;
    }
    if (this.state === 'accepted') {
      if (status >= 200 && status < 300) this.handlers.onResponse(response);
      return;
    }
    if (status < 200) {
      if (this.isInvite) this.stopTimers();
      else if (this.state === 'calling') this.interval = this.host.timers.t2Ms;
      this.state = 'proceeding';
      this.handlers.onResponse(response);
      return;
    }
    this.stopTimers();
    const { t1Ms, t4Ms } = this.host.timers;
    if (this.isInvite && status < 300) {
      // Accepted state (RFC 6026): 2xx retransmissions go to the TU for 64*T1.
      this.state = 'accepted';
      this.linger(64 * t1Ms);
    } else if (this.isInvite) {
      this.state = 'completed';
      this.ack = this.buildNon2xxAck(response);
      this.host.send(this.ack, this.dest);
      this.linger(this.host.reliable ? 0 : 64 * t1Ms); // Timer D (>= 32 s for UDP at default T1)
    } else {
      this.state = 'completed';
      this.linger(this.host.reliable ? 0 : t4Ms); // Timer K
    }
    this.handlers.onResponse(response);
  }

  private linger(ms: number): void {
    this.lingerTimer = this.host.setTimer(() => this.terminate(), ms);
  }

  private stopTimers(): void {
    this.host.clearTimer(this.retransmitTimer);
    this.host.clearTimer(this.timeoutTimer);
    this.retransmitTimer = undefined;
    this.timeoutTimer = undefined;
  }

  terminate(): void {
    this.stopTimers();
    this.host.clearTimer(this.lingerTimer);
    this.state = 'terminated';
    this.host.unregister(this.key, this);
  }

  /** ACK for a non-2xx final response: part of the INVITE transaction (§17.1.1.3). */
  buildNon2xxAck(response: SipResponse): SipRequest {
    const req = this.request;
    const headers: SipHeader[] = [];
    const via = getHeader(req, 'Via');
    if (via) headers.push({ name: 'Via', value: via });
    headers.push({ name: 'Max-Forwards', value: '70' });
    for (const name of ['From', 'To', 'Call-ID']) {
      const value = getHeader(name === 'To' ? response : req, name);
      if (value) headers.push({ name, value });
    }
    const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '');
    headers.push({ name: 'CSeq', value: `${cseq.seq} ACK` });
    for (const route of getHeaders(req, 'Route')) headers.push({ name: 'Route', value: route });
    return { kind: 'request', method: 'ACK', uri: req.uri, headers, body: Buffer.alloc(0) };
  }
}

export interface ResponseOptions {
  /** Added to To when the request has no tag (the UAS tag). */
  toTag?: string;
  headers?: SipHeader[];
  body?: Buffer;
  contentType?: string;
}

/** Builds a response that mirrors Via, From, To, Call-ID and CSeq of the request (§8.2.6.2). */
export function buildResponse(
  request: SipRequest,
  status: number,
  reason: string,
  source: Destination,
  options: ResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  getHeaders(request, 'Via').forEach((value, index) => {
    headers.push({ name: 'Via', value: index === 0 ? stampVia(value, source) : value });
  });
  const from = getHeader(request, 'From');
  if (from) headers.push({ name: 'From', value: from });
  let to = getHeader(request, 'To');
  if (to && options.toTag && status > 100 && !/;\s*tag=/i.test(to))
    to = `${to};tag=${options.toTag}`;
  if (to) headers.push({ name: 'To', value: to });
  for (const name of ['Call-ID', 'CSeq']) {
    const value = getHeader(request, name);
    if (value) headers.push({ name, value });
  }
  headers.push(...(options.headers ?? []));
  if (options.body && options.body.length > 0) {
    headers.push({ name: 'Content-Type', value: options.contentType ?? 'application/sdp' });
  }
  return { kind: 'response', status, reason, headers, body: options.body ?? Buffer.alloc(0) };
}

/** Adds `received` (§18.2.1) and fills `rport` (RFC 3581) on the top Via of a request. */
function stampVia(value: string, source: Destination): string {
  try {
    const via = parseVia(value);
    if (via.host.replace(/^\[|\]$/g, '') !== source.host) via.params['received'] = source.host;
    if ('rport' in via.params) {
      via.params['rport'] = String(source.port);
      via.params['received'] = source.host;
    }
    return formatVia(via);
  } catch {
    return value;
  }
}

/** Where a UDP response goes (§18.2.2 with RFC 3581): the source address, rport or sent-by port. */
export function responseDestination(request: SipRequest, source: Destination): Destination {
  const top = getHeader(request, 'Via');
  if (!top) return source;
  try {
    const via = parseVia(top);
    const maddr = via.params['maddr'];
    if (maddr) return { host: maddr, port: via.port ?? 5060 };
    if ('rport' in via.params) return source;
    return { host: source.host, port: via.port ?? 5060 };
  } catch {
    return source;
  }
}
