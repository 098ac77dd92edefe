// SIP over TLS (RFC 3261 §26.3.1, RFC 5630): one connection to the server, opened before the first
// request and used for every message of every call, both ways. The server's certificate is
// verified against the given CA (or the system's) and its name or IP; never skipped.
import { connect as connectTcp } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { SipCallerLogger } from './logger.js';
import type { SipTransport } from './sip-transport.js';
import { SipFramingError, StreamFramer } from './stream-framer.js';
import type { Destination } from './transaction.js';

export interface TlsOptions {
  /** CA certificates (PEM) the server's certificate must chain to; default: the system's. */
  ca?: string | Buffer | (string | Buffer)[];
  /** The DNS name to verify the certificate against (and send as SNI) instead of the host. */
  servername?: string;
}

export interface TlsTransportOptions {
  server: Destination;
  localAddress: string;
  tls: TlsOptions;
  logger: SipCallerLogger;
}

export function createTlsTransport(options: TlsTransportOptions): SipTransport {
  let socket: TLSSocket | undefined;
  let opening: Promise<number> | undefined;
  let port = 0;
  let handler: (data: Buffer, source: Destination) => void = () => undefined;
  const { logger, server } = options;

  const open = () =>
    new Promise<number>((resolve, reject) => {
      // From our local address (the tests' callers each have one), then TLS over that socket.
      const tcp = connectTcp({
        host: server.host,
        port: server.port,
        localAddress: options.localAddress,
      });
      const s = connect({
        socket: tcp,
        host: server.host,
        // Checked against the certificate: servername (sent as SNI), else the host, a name or an
        // IP (matched against the certificate's IP addresses; SNI carries no IP).
        ...(options.tls.servername === undefined ? {} : { servername: options.tls.servername }),
        ...(options.tls.ca === undefined ? {} : { ca: options.tls.ca }),
        minVersion: 'TLSv1.2',
        // livekit-sip offers ALPN "sip" by default; it is optional for both sides.
        ALPNProtocols: ['sip'],
      });
      const framer = new StreamFramer();
      const onError = (err: Error) => {
        s.destroy();
        reject(err);
      };
      s.once('error', onError);
      s.once('secureConnect', () => {
        s.off('error', onError);
        s.on('error', (err) => logger.warn({ err: err.message }, 'SIP TLS connection error'));
        s.on('close', () => {
          if (socket === s) logger.warn({}, 'SIP TLS connection closed');
          socket = undefined;
        });
        s.on('data', (chunk: Buffer) => {
          let messages: Buffer[];
          try {
            messages = framer.push(chunk);
          } catch (err) {
            if (!(err instanceof SipFramingError)) throw err;
            logger.warn({ err: err.message }, 'SIP TLS stream unreadable; closing it');
            s.destroy();
            return;
          }
          const source = {
            host: s.remoteAddress ?? server.host,
            port: s.remotePort ?? server.port,
          };
          for (const message of messages) handler(message, source);
        });
        socket = s;
        port = s.localPort ?? 0;
        logger.debug(
          { port, protocol: s.getProtocol(), alpn: s.alpnProtocol },
          'SIP TLS connected',
        );
        resolve(port);
      });
    });

  return {
    name: 'TLS',
    reliable: true,
    open() {
      opening ??= open();
      return opening;
    },
    localPort: () => port,
    send(data) {
      if (!socket) {
        logger.warn({}, 'SIP send failed: the TLS connection is closed');
        return;
      }
      socket.write(data);
    },
    onMessage(h) {
      handler = h;
    },
    async close() {
      const s = socket ?? (await opening?.then(() => socket).catch(() => undefined));
      socket = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 1000).unref();
      });
    },
  };
}
