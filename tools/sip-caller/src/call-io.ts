// A call's SIP I/O on the shared socket: every message it sends or receives goes into its SIP
// log, and every timer and transaction it starts is tracked so that release can drop them all.
import type { SipLogEntry } from './call-api.js';
import type { CallContext } from './call-context.js';
import { redactCredentials } from './digest.js';
import type { SipCallerLogger } from './logger.js';
import {
  getHeader,
  hostPort,
  serializeSipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import {
  ClientTransaction,
  type ClientTransactionHandlers,
  type Destination,
  type TransactionHost,
} from './transaction.js';

export class CallIo {
  readonly sipLog: SipLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly transactions = new Set<ClientTransaction>();

  constructor(
    private readonly ctx: CallContext,
    private readonly log: SipCallerLogger,
  ) {}

  newTransaction(
    request: SipRequest,
    dest: Destination,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    const host: TransactionHost = {
      timers: this.ctx.timers,
      reliable: this.ctx.reliable,
      send: (message, d) => this.send(message, d),
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

  send(message: SipRequest | SipResponse, dest: Destination): void {
    this.logMessage('out', message, dest);
    this.ctx.sendRaw(serializeSipMessage(message), dest);
  }

  /** Sends a response to a request from the far end (the socket answers its retransmissions). */
  respond(request: SipRequest, response: SipResponse, dest: Destination): void {
    this.logMessage('out', response, dest);
    this.ctx.respond(request, response, dest);
  }

  logMessage(direction: 'in' | 'out', message: SipRequest | SipResponse, peer: Destination): void {
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

  setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = this.ctx.setTimer(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    this.timers.delete(timer);
    this.ctx.clearTimer(timer);
  }

  /** Clears every pending timer and terminates every transaction of the call. */
  dropAll(): void {
    for (const t of this.timers) this.ctx.clearTimer(t);
    this.timers.clear();
    for (const tx of [...this.transactions]) tx.terminate();
  }
}
