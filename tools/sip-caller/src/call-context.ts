// The seams between a call's parts: what a call gets from the SipCaller that owns the socket
// (CallContext, ResolvedCallOptions), and what the parts report back to the Call object that
// owns the call's state, events and promises (CallLifecycle).
import type { Call, CallEnd, CallEvents, CallState } from './call-api.js';
import type { SipCallerLogger } from './logger.js';
import type { PortRange } from './rtp-session.js';
import type { SipTransportName } from './sip-transport.js';
import type { SipHeader, SipRequest, SipResponse } from './sip-message.js';
import type { ClientTransaction, Destination, SipTimers } from './transaction.js';

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
  /** Written into Via (SIP/2.0/UDP or TLS) and, for TLS, into Contact and Request-URI. */
  readonly transportName: SipTransportName;
  /** No retransmissions on a reliable transport (TLS). */
  readonly reliable: boolean;
  /** Binds the SIP socket (or connects over TLS) if needed. */
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
  release(call: Call): void;
}

export interface ResolvedCallOptions {
  to: string;
  from: string;
  displayName?: string;
  domain: string;
  /** Host of the From URI when it is not `domain` (a carrier writes its own host there). */
  fromHost?: string;
  server: Destination;
  username?: string;
  password?: string;
  headers: SipHeader[];
  answerTimeoutMs: number;
  referNotify: { status: number; reason: string };
  /** Offer SRTP (RTP/SAVP, SDES) and accept only an SRTP answer. */
  srtp: boolean;
}

/** What the INVITE client and the far-end request handler may do to the call as a whole. */
export interface CallLifecycle {
  readonly state: CallState;
  /** True once the call has ended (its `ended` promise is resolved). */
  readonly hasEnded: boolean;
  setState(state: CallState): void;
  emit<K extends keyof CallEvents>(event: K, value: CallEvents[K]): void;
  /** Ends the call once: settles the promises, stops sending media, emits `ended`. */
  finish(end: Omit<CallEnd, 'at' | 'answered'>): void;
  /** Stays reachable for retransmissions for a while (64*T1 by default), then lets go. */
  releaseSoon(ms?: number): void;
}
