import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AGENT_NAME, QA_CALLER_NUMBER_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import request, { type Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from './app.js';
import { ConfigError } from './config.js';
import type { ReadinessCheck } from './readiness.js';
import {
  alwaysReady,
  API_SECRET,
  BASIC_PASSWORD,
  BASIC_USER,
  captureLogger,
  decodeToken,
  PASSCODE,
  silentLogger,
  testConfig,
} from './testing/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function app(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}) {
  return createApp({
    config: testConfig(env),
    logger: silentLogger,
    checkReady: alwaysReady,
    ...deps,
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function expectError(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('POST /api/token (LiveKit standard token endpoint)', () => {
  it('issues a session: 201 with server_url and participant_token, never cached', async () => {
    const res = await request(app()).post('/api/token').send({});
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['participant_token', 'server_url']);
    expect(res.body.server_url).toBe('ws://127.0.0.1:7880');
  });

  it('works without any body, as the standard allows', async () => {
    const res = await request(app()).post('/api/token');
    expect(res.status).toBe(201);
  });

  it('puts a new room, a UUID identity, a short TTL, limited grants and our agent in the token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await request(app())
      .post('/api/token')
      .send({
        participant_name: 'Ana',
        room_config: { agents: [{ agent_name: DEFAULT_AGENT_NAME }] },
      });
    expect(res.status).toBe(201);
    const claims = await decodeToken(res.body.participant_token);
    expect(claims.sub).toMatch(UUID);
    expect(claims.name).toBe('Ana');
    expect(claims.exp - claims.nbf).toBe(600);
    expect(claims.nbf).toBeGreaterThanOrEqual(before);
    expect(claims.attributes).toBeUndefined();
    expect(claims.metadata).toBeUndefined();
    expect(claims.video).toEqual({
      room: expect.stringMatching(/^qa-[0-9a-f]{20}$/),
      roomJoin: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(claims.roomConfig?.agents).toHaveLength(1);
    expect(claims.roomConfig?.agents?.[0]?.agentName).toBe(DEFAULT_AGENT_NAME);
  });

  it('gives every session its own room and identity', async () => {
    const api = app();
    const tokens = await Promise.all(
      [1, 2, 3].map(async () =>
        decodeToken((await request(api).post('/api/token')).body.participant_token),
      ),
    );
    expect(new Set(tokens.map((claims) => claims.video.room)).size).toBe(3);
    expect(new Set(tokens.map((claims) => claims.sub)).size).toBe(3);
    expect(tokens.every((claims) => claims.name === 'QA tester')).toBe(true);
  });

  it('uses TOKEN_TTL_SECONDS, AGENT_NAME and LIVEKIT_PUBLIC_URL', async () => {
    const res = await request(
      app({
        TOKEN_TTL_SECONDS: '120',
        AGENT_NAME: 'qa-agent',
        LIVEKIT_PUBLIC_URL: 'wss://livekit.example.com',
      }),
    )
      .post('/api/token')
      .send({ room_config: { agents: [{ agent_name: 'qa-agent' }] } });
    expect(res.status).toBe(201);
    expect(res.body.server_url).toBe('wss://livekit.example.com');
    const claims = await decodeToken(res.body.participant_token);
    expect(claims.exp - claims.nbf).toBe(120);
    expect(claims.roomConfig?.agents?.[0]?.agentName).toBe('qa-agent');
  });

  it.each([
    [{ room_name: 'my-room' }, 403, 'field_not_allowed'],
    [{ participant_identity: 'boss' }, 403, 'field_not_allowed'],
    [{ participant_metadata: '{"role":"admin"}' }, 403, 'field_not_allowed'],
    [{ room_config: { agents: [{ agent_name: 'another-agent' }] } }, 403, 'field_not_allowed'],
    [{ room_config: { agents: [{ agentName: 'another-agent' }] } }, 403, 'field_not_allowed'],
    [{ room_config: { empty_timeout: 3600 } }, 403, 'field_not_allowed'],
    [{ participant_attributes: { 'lk.agent.state': 'x' } }, 403, 'field_not_allowed'],
    [
      { participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: '+14155550100' } },
      403,
      'field_not_allowed',
    ],
    [{ participant_name: 'x'.repeat(65) }, 400, 'invalid_request'],
    [{ participant_name: 'bell\u0007' }, 400, 'invalid_request'],
    [{ extra: 1 }, 400, 'invalid_request'],
  ])('refuses %j', async (body, status, code) => {
    const res = await request(app()).post('/api/token').send(body);
    expectError(res, status, code);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses malformed and non-JSON bodies', async () => {
    const api = app();
    expectError(
      await request(api).post('/api/token').set('Content-Type', 'application/json').send('{"a":'),
      400,
      'invalid_json',
    );
    expectError(
      await request(api).post('/api/token').set('Content-Type', 'text/plain').send('room_name=x'),
      415,
      'unsupported_media_type',
    );
    expectError(await request(api).post('/api/token').send([1]), 400, 'invalid_request');
  });

  it('refuses a body over 8 kB with 413 JSON', async () => {
    const res = await request(app())
      .post('/api/token')
      .send({ participant_name: 'Ana', padding: 'x'.repeat(9 * 1024) });
    expectError(res, 413, 'payload_too_large');
  });

  it('answers other methods and paths with JSON errors', async () => {
    const api = app();
    const get = await request(api).get('/api/token');
    expectError(get, 405, 'method_not_allowed');
    expect(get.headers.allow).toBe('POST');
    expectError(await request(api).post('/api/other'), 404, 'not_found');
  });

  describe('caller number (QA_ALLOW_CALLER_ID)', () => {
    const withCallerId = (number: string) => ({
      participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: number },
    });

    it('is honoured as a participant attribute when allowed and E.164', async () => {
      const res = await request(app({ QA_ALLOW_CALLER_ID: 'true' }))
        .post('/api/token')
        .send(withCallerId('+14155550100'));
      expect(res.status).toBe(201);
      const claims = await decodeToken(res.body.participant_token);
      expect(claims.attributes).toEqual({ [QA_CALLER_NUMBER_ATTRIBUTE]: '+14155550100' });
      expect(claims.video.canUpdateOwnMetadata).toBe(false);
    });

    it('is refused when not E.164, without echoing it', async () => {
      const res = await request(app({ QA_ALLOW_CALLER_ID: 'true' }))
        .post('/api/token')
        .send(withCallerId('(415) 555-0100'));
      expectError(res, 400, 'invalid_request');
      expect(res.text).not.toContain('555-0100');
    });

    it('is refused when caller-ID testing is off', async () => {
      const res = await request(app()).post('/api/token').send(withCallerId('+14155550100'));
      expectError(res, 403, 'field_not_allowed');
      expect(res.body.error.message).toContain('QA_ALLOW_CALLER_ID');
    });

    it('other attributes stay refused when it is on', async () => {
      const res = await request(app({ QA_ALLOW_CALLER_ID: 'true' }))
        .post('/api/token')
        .send({
          participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: '+14155550100', vip: 'yes' },
        });
      expectError(res, 403, 'field_not_allowed');
    });
  });
});

describe('access control', () => {
  it('passcode: right, wrong, missing', async () => {
    const api = app({ QA_PASSCODE: PASSCODE });
    expect((await request(api).post('/api/token').set('X-QA-Passcode', PASSCODE)).status).toBe(201);
    const wrong = await request(api).post('/api/token').set('X-QA-Passcode', `${PASSCODE}x`);
    expectError(wrong, 401, 'unauthorized');
    expectError(await request(api).post('/api/token'), 401, 'unauthorized');
    expectError(
      await request(api).post('/api/token').set('X-QA-Passcode', ''),
      401,
      'unauthorized',
    );
  });

  it('checks the passcode before reading the body', async () => {
    const res = await request(app({ QA_PASSCODE: PASSCODE }))
      .post('/api/token')
      .set('Content-Type', 'application/json')
      .send('{not json');
    expectError(res, 401, 'unauthorized');
  });

  it('basic auth protects the API and the page, not the probes', async () => {
    const dir = webTestDir();
    const api = app({ QA_BASIC_AUTH: `${BASIC_USER}:${BASIC_PASSWORD}`, WEB_TEST_DIR: dir });
    const good = basic(BASIC_USER, BASIC_PASSWORD);
    expect((await request(api).post('/api/token').set('Authorization', good)).status).toBe(201);
    for (const header of [
      basic(BASIC_USER, 'wrong-password-000'),
      basic('someone', BASIC_PASSWORD),
      `Bearer ${BASIC_PASSWORD}`,
      'Basic !!!',
    ]) {
      const res = await request(api).post('/api/token').set('Authorization', header);
      expectError(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    const page = await request(api).get('/');
    expectError(page, 401, 'unauthorized');
    expect(page.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect((await request(api).get('/').set('Authorization', good)).text).toContain(
      'QA tester page',
    );
    expect((await request(api).get('/healthz')).status).toBe(200);
    expect((await request(api).get('/readyz')).status).toBe(200);
  });

  it('with both configured, both are required', async () => {
    const api = app({ QA_PASSCODE: PASSCODE, QA_BASIC_AUTH: `${BASIC_USER}:${BASIC_PASSWORD}` });
    const good = basic(BASIC_USER, BASIC_PASSWORD);
    expect(
      (
        await request(api)
          .post('/api/token')
          .set('Authorization', good)
          .set('X-QA-Passcode', PASSCODE)
      ).status,
    ).toBe(201);
    expect((await request(api).post('/api/token').set('Authorization', good)).status).toBe(401);
    expect((await request(api).post('/api/token').set('X-QA-Passcode', PASSCODE)).status).toBe(401);
  });

  it('production mode refuses to start without access control', () => {
    expect(() => app({ TOKEN_API_MODE: 'production' })).toThrow(ConfigError);
    // Even with a config object built by hand, bypassing loadConfig.
    const config = { ...testConfig(), mode: 'production' as const };
    expect(() => createApp({ config, logger: silentLogger, checkReady: alwaysReady })).toThrow(
      'QA_PASSCODE or QA_BASIC_AUTH is required in production mode',
    );
    expect(() => app({ TOKEN_API_MODE: 'production', QA_PASSCODE: PASSCODE })).not.toThrow();
  });
});

describe('rate limit', () => {
  it('allows TOKEN_RATE_LIMIT_PER_MIN sessions a minute per address, then 429 JSON', async () => {
    const api = app();
    for (let i = 0; i < 10; i++) expect((await request(api).post('/api/token')).status).toBe(201);
    const limited = await request(api).post('/api/token');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['cache-control']).toBe('no-store');
    // Probes are not limited.
    expect((await request(api).get('/healthz')).status).toBe(200);
  });

  it('counts failed passcodes too', async () => {
    const api = app({ QA_PASSCODE: PASSCODE, TOKEN_RATE_LIMIT_PER_MIN: '3' });
    for (let i = 0; i < 3; i++)
      expect((await request(api).post('/api/token').set('X-QA-Passcode', 'guess')).status).toBe(
        401,
      );
    const limited = await request(api).post('/api/token').set('X-QA-Passcode', PASSCODE);
    expectError(limited, 429, 'rate_limited');
  });
});

describe('CORS', () => {
  const env = { CORS_ORIGINS: 'https://qa.example.com' };

  it('allows a listed origin, preflight included', async () => {
    const api = app(env);
    const preflight = await request(api)
      .options('/api/token')
      .set('Origin', 'https://qa.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-qa-passcode');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://qa.example.com');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/x-qa-passcode/i);
    const res = await request(api).post('/api/token').set('Origin', 'https://qa.example.com');
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe('https://qa.example.com');
  });

  it('refuses any other origin', async () => {
    const api = app(env);
    const res = await request(api).post('/api/token').set('Origin', 'https://evil.example.com');
    expectError(res, 403, 'origin_not_allowed');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(api)
      .options('/api/token')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expectError(
      await request(api).post('/api/token').set('Origin', 'null'),
      403,
      'origin_not_allowed',
    );
  });

  it('by default allows only the same origin', async () => {
    const api = app();
    const same = await request(api)
      .post('/api/token')
      .set('Host', 'qa.internal:3000')
      .set('Origin', 'http://qa.internal:3000');
    expect(same.status).toBe(201);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
    expectError(
      await request(api).post('/api/token').set('Origin', 'https://qa.example.com'),
      403,
      'origin_not_allowed',
    );
  });
});

describe('security headers', () => {
  it('gives JSON answers the REST set: nothing may load or frame them', async () => {
    const res = await request(app({ LIVEKIT_PUBLIC_URL: 'wss://livekit.example.com' })).post(
      '/api/token',
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    const health = await request(app()).get('/healthz');
    expect(health.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });

  it('gives the web tester page a CSP with connect-src allowing the LiveKit server', async () => {
    const res = await request(app({ LIVEKIT_PUBLIC_URL: 'wss://livekit.example.com' })).get('/');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(
      "connect-src 'self' wss://livekit.example.com https://livekit.example.com",
    );
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

describe('secrets', () => {
  const CALLER = '+14155550123';
  const NAME = 'Zebediah-Marker-7731';

  it('never appear in responses (but the token itself) nor in the logs', async () => {
    const { logger, lines } = captureLogger();
    const failing = { issue: async () => Promise.reject(new Error('signing failed')) };
    const env = {
      QA_PASSCODE: PASSCODE,
      QA_ALLOW_CALLER_ID: 'true',
      QA_BASIC_AUTH: `${BASIC_USER}:${BASIC_PASSWORD}`,
    };
    const api = createApp({ config: testConfig(env), logger, checkReady: alwaysReady });
    const broken = createApp({
      config: testConfig(env),
      logger,
      checkReady: alwaysReady,
      issuer: failing,
    });
    const auth = basic(BASIC_USER, BASIC_PASSWORD);
    const body = {
      participant_name: NAME,
      participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: CALLER },
    };
    const responses: Response[] = [];
    const ok = await request(api)
      .post('/api/token?passcode=in-the-query')
      .set('Authorization', auth)
      .set('X-QA-Passcode', PASSCODE)
      .send(body);
    expect(ok.status).toBe(201);
    const token: string = ok.body.participant_token;
    responses.push(
      await request(api)
        .post('/api/token')
        .set('Authorization', auth)
        .set('X-QA-Passcode', 'wrong')
        .send(body),
      await request(api).post('/api/token').set('X-QA-Passcode', PASSCODE).send(body),
      await request(api)
        .post('/api/token')
        .set('Authorization', auth)
        .set('X-QA-Passcode', PASSCODE)
        .set('Content-Type', 'application/json')
        .send(
          `{"participant_name":"${NAME}", "participant_attributes": {"${QA_CALLER_NUMBER_ATTRIBUTE}": "${CALLER}"`,
        ),
      await request(api)
        .post('/api/token')
        .set('Authorization', auth)
        .set('X-QA-Passcode', PASSCODE)
        .send({ ...body, room_name: NAME }),
      await request(broken)
        .post('/api/token')
        .set('Authorization', auth)
        .set('X-QA-Passcode', PASSCODE)
        .send(body),
      await request(api).get('/healthz'),
      await request(api).get('/').set('Authorization', auth),
    );
    expect(responses.map((res) => res.status)).toEqual([401, 401, 400, 403, 500, 200, 404]);
    expectError(responses[4]!, 500, 'internal_error');

    const secrets = [API_SECRET, PASSCODE, BASIC_PASSWORD, auth.slice(6), CALLER, NAME];
    for (const res of [ok, ...responses]) {
      for (const secret of secrets.slice(0, 4)) expect(res.text).not.toContain(secret);
    }
    for (const res of responses) {
      expect(res.text).not.toContain(CALLER);
      expect(res.text).not.toContain(NAME);
    }

    const log = lines.join('');
    expect(log).toContain('session issued');
    expect(log).toContain('request failed');
    for (const secret of [...secrets, token, token.split('.')[2]!, 'in-the-query', 'Basic ']) {
      expect(log).not.toContain(secret);
    }
    expect(log.toLowerCase()).not.toContain('authorization');
    expect(log.toLowerCase()).not.toContain('x-qa-passcode');
  });
});

describe('health', () => {
  it('/healthz answers 200 while the process is up', async () => {
    const res = await request(app()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz reflects the injected readiness check', async () => {
    let ready = true;
    const checkReady: ReadinessCheck = async () =>
      ready ? { ready: true } : { ready: false, reason: 'LiveKit is unreachable (ECONNREFUSED)' };
    const api = app({}, { checkReady });
    expect((await request(api).get('/readyz')).body).toEqual({ status: 'ready' });
    ready = false;
    const res = await request(api).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      reason: 'LiveKit is unreachable (ECONNREFUSED)',
    });
  });
});

function webTestDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'web-test-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>QA tester page</title>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("tester")');
  return dir;
}

describe('web tester', () => {
  it('serves the built files, with index.html for client-side routes', async () => {
    const api = app({ WEB_TEST_DIR: webTestDir() });
    const index = await request(api).get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('QA tester page');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await request(api).get('/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    const route = await request(api).get('/calls/latest');
    expect(route.status).toBe(200);
    expect(route.text).toContain('QA tester page');
    expectError(await request(api).get('/assets/missing.js'), 404, 'not_found');
    expectError(await request(api).post('/'), 404, 'not_found');
  });

  it('says how to build it when it is not built', async () => {
    const res = await request(app()).get('/');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('npm run build -w web-test');
  });
});
