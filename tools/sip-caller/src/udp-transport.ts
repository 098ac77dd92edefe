// SIP over UDP: one socket for every call, each datagram one message (RFC 3261 §18.1, §18.2).
import { createSocket, type Socket } from 'node:dgram';
import type { SipCallerLogger } from './logger.js';
import type { SipTransport } from './sip-transport.js';
import { hostPort } from './sip-message.js';
import type { Destination } from './transaction.js';

export interface UdpTransportOptions {
  localAddress: string;
  /** 0: any free port. */
  localPort: number;
  logger: SipCallerLogger;
}

export function createUdpTransport(options: UdpTransportOptions): SipTransport {
  let socket: Socket | undefined;
  let opening: Promise<number> | undefined;
  let port = 0;
  let handler: (data: Buffer, source: Destination) => void = () => undefined;
  const { logger } = options;

  return {
    name: 'UDP',
    reliable: false,
    open() {
      opening ??= new Promise<number>((resolve, reject) => {
        const s = createSocket({ type: options.localAddress.includes(':') ? 'udp6' : 'udp4' });
        const onError = (err: Error) => {
          s.close();
          reject(err);
        };
        s.once('error', onError);
        s.bind({ address: options.localAddress, port: options.localPort, exclusive: true }, () => {
          s.off('error', onError);
          s.on('error', (err) => logger.warn({ err: err.message }, 'SIP socket error'));
          s.on('message', (data, rinfo) =>
            handler(data, { host: rinfo.address, port: rinfo.port }),
          );
          socket = s;
          port = s.address().port;
          logger.debug({ address: options.localAddress, port }, 'SIP socket bound');
          resolve(port);
        });
      });
      return opening;
    },
    localPort: () => port,
    send(data, dest) {
      socket?.send(data, dest.port, dest.host, (err) => {
        if (err)
          logger.warn(
            { err: err.message, dest: hostPort(dest.host, dest.port) },
            'SIP send failed',
          );
      });
    },
    onMessage(h) {
      handler = h;
    },
    async close() {
      const s = socket ?? (await opening?.then(() => socket).catch(() => undefined));
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
