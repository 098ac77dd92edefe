// The outer half of the route to OpenAI (openai-route.ts): runs in the machine's own network
// namespace, takes connections on a Unix socket (a file, so the test namespace reaches it) and opens
// one TLS connection to the service per connection, then copies bytes both ways.
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface UpstreamTarget {
  host: string;
  port: number;
  /** TLS to the service (always, for OpenAI); plain TCP for tests. */
  tls: boolean;
}

export function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.once('error', close).once('close', close);
  b.once('error', close).once('close', close);
}

export async function serveUpstream(socketPath: string, target: UpstreamTarget): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer((inner) => {
    const outer = target.tls
      ? connectTls({ host: target.host, port: target.port, servername: target.host })
      : connectTcp({ host: target.host, port: target.port });
    pipeBoth(inner, outer);
  });
  server.listen(socketPath);
  await once(server, 'listening');
  return server;
}
