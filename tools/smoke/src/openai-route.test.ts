import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hostNetnsPath, rewriteHost, routeTarget, startOpenAiRoute } from './openai-route.js';

describe('routeTarget / rewriteHost', () => {
  it("is OpenAI's API over TLS unless OPENAI_BASE_URL says otherwise", () => {
    expect(routeTarget(undefined)).toEqual({
      target: { host: 'api.openai.com', port: 443, tls: true },
      path: '/v1',
    });
    expect(routeTarget('http://10.0.0.5:8080/openai/')).toEqual({
      target: { host: '10.0.0.5', port: 8080, tls: false },
      path: '/openai',
    });
  });

  it('replaces the Host header (or adds one)', () => {
    expect(rewriteHost('GET / HTTP/1.1\r\nhost: 127.0.0.1:5\r\nX: y', 'api.openai.com')).toBe(
      'GET / HTTP/1.1\r\nHost: api.openai.com\r\nX: y',
    );
    expect(rewriteHost('GET / HTTP/1.1\r\nX: y', 'h')).toBe('GET / HTTP/1.1\r\nHost: h\r\nX: y');
  });
});

describe('startOpenAiRoute', () => {
  it('carries requests to the service with its Host header, headers and body intact', async () => {
    const seen: { host?: string; auth?: string; url?: string } = {};
    const service = createServer((req, res) => {
      seen.host = req.headers.host;
      seen.auth = req.headers.authorization;
      seen.url = req.url;
      res.end('pong');
    }).listen(0, '127.0.0.1');
    await once(service, 'listening');
    const { port } = service.address() as AddressInfo;
    // Outside a network namespace of its own (unit tests), the outer half runs in process.
    const route = await startOpenAiRoute({ baseUrl: `http://localhost:${port}/v1`, root: '.' });
    try {
      if (hostNetnsPath() === undefined) expect(route.via).toBe('in-process');
      const response = await fetch(`${route.baseUrl}/realtime?model=gpt-realtime`, {
        headers: { Authorization: 'Bearer sk-test' },
      });
      expect(await response.text()).toBe('pong');
      expect(seen).toEqual({
        host: `localhost:${port}`,
        auth: 'Bearer sk-test',
        url: '/v1/realtime?model=gpt-realtime',
      });
    } finally {
      await route.close();
      service.close();
    }
  });
});
