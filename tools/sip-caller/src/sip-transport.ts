// What the user agent sends and receives SIP through: UDP datagrams (udp-transport.ts) or one TLS
// connection to the server (tls-transport.ts). Calls only see this interface.
import type { Destination } from './transaction.js';

/** The Via transport token (RFC 3261 §18) of each kind of transport. */
export type SipTransportName = 'UDP' | 'TLS';

export interface SipTransport {
  readonly name: SipTransportName;
  /** Reliable transports carry no retransmissions (RFC 3261 §17.1.1.2, §17.1.2.2). */
  readonly reliable: boolean;
  /** Binds the socket (UDP) or connects and verifies the server (TLS); resolves with our port. */
  open(): Promise<number>;
  /** Our port as written into Via and Contact (0 before open). */
  localPort(): number;
  /** UDP sends to `dest`; TLS sends every message over its one connection, whatever `dest` says. */
  send(data: Buffer, dest: Destination): void;
  onMessage(handler: (data: Buffer, source: Destination) => void): void;
  close(): Promise<void>;
}
