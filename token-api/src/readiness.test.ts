import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveKitReadiness } from './readiness.js';
import { API_KEY, API_SECRET, decodeToken } from './testing/helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A stand-in for livekit-server's Twirp API on a loopback port. */
async function fakeLiveKit(handler: Handler): Promise<string> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function check(url: string, timeoutMs = 300) {
  return createLiveKitReadiness({ url, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs });
}

describe('createLiveKitReadiness', () => {
  it('is ready when LiveKit answers an authenticated ListRooms', async () => {
    let seen: { path?: string; authorization?: string } = {};
    const url = await fakeLiveKit((req, res) => {
      seen = { path: req.url, authorization: req.headers.authorization };
      res.setHeader('Content-Type', 'application/json');
      res.end('{"rooms":[]}');
    });
    expect(await check(url)()).toEqual({ ready: true });
    expect(seen.path).toBe('/twirp/livekit.RoomService/ListRooms');
    const claims = await decodeToken(seen.authorization!.replace(/^Bearer /, ''));
    expect(claims.video).toMatchObject({ roomList: true });
  });

  it('is not ready when LiveKit refuses the credentials', async () => {
    const url = await fakeLiveKit((_req, res) => {
      res.statusCode = 401;
      res.setHeader('Content-Type', 'application/json');
      res.end('{"code":"unauthenticated","msg":"invalid token"}');
    });
    expect(await check(url)()).toEqual({
      ready: false,
      reason: 'LiveKit refused the API key and secret (HTTP 401)',
    });
  });

  it('is not ready when LiveKit does not answer in time', async () => {
    const url = await fakeLiveKit(() => {});
    const started = Date.now();
    expect(await check(url, 200)()).toEqual({
      ready: false,
      reason: 'LiveKit did not answer within 200 ms',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('is not ready when nothing listens, and the reason names no address', async () => {
    const url = await fakeLiveKit(() => {});
    servers.pop()!.close();
    const result = await check(url)();
    expect(result).toEqual({ ready: false, reason: 'LiveKit is unreachable (ECONNREFUSED)' });
  });

  it('shares one call between concurrent probes', async () => {
    let calls = 0;
    const url = await fakeLiveKit((_req, res) => {
      calls++;
      setTimeout(() => res.end('{"rooms":[]}'), 50);
    });
    const ready = check(url);
    await Promise.all([ready(), ready(), ready()]);
    expect(calls).toBe(1);
    await ready();
    expect(calls).toBe(2);
  });
});
