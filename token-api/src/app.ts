import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requireBasicAuth } from './auth.js';
import { ConfigError, hasAccessControl, type TokenApiConfig } from './config.js';
import { errorHandler, NotFoundError } from './errors.js';
import type { ReadinessCheck } from './readiness.js';
import { createHealthRouter } from './routes/health.js';
import { createTokenRouter } from './routes/token.js';
import { createWebTestRouter } from './routes/web-test.js';
import { createTokenIssuer, type TokenIssuer } from './tokens.js';

export interface AppDeps {
  config: TokenApiConfig;
  logger: Logger;
  /** Readiness of the service (LiveKit reachable); `createLiveKitReadiness` in production. */
  checkReady: ReadinessCheck;
  /** Default: a real issuer signing with the configured API key and secret. */
  issuer?: TokenIssuer;
}

/** The origins the web tester may open connections to: its own and the LiveKit server's. */
function connectSources(publicUrl: string): string[] {
  const { protocol, host } = new URL(publicUrl);
  const secure = protocol === 'wss:' || protocol === 'https:';
  return ["'self'", `${secure ? 'wss' : 'ws'}://${host}`, `${secure ? 'https' : 'http'}://${host}`];
}

/**
 * The token API: health probes, `POST /api/token`, and the web tester at `/`.
 * Refuses to build in production mode without access control.
 */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  if (config.mode === 'production' && !hasAccessControl(config)) {
    throw new ConfigError(
      'Invalid configuration: QA_PASSCODE or QA_BASIC_AUTH is required in production mode',
    );
  }
  const issuer =
    deps.issuer ??
    createTokenIssuer({
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      serverUrl: config.publicUrl,
      agentName: config.agentName,
      ttlSeconds: config.ttlSeconds,
    });

  const app = express();
  app.disable('x-powered-by');
  // Token answers are never cached, so hashing each one for an ETag is wasted work. (The web
  // tester's static files keep theirs: express.static sets its own.)
  app.disable('etag');
  app.set('trust proxy', config.trustProxy);
  app.use(
    pinoHttp({
      logger,
      // Probes come every few seconds; the health router logs readiness changes itself.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
      // Method, path and status only: headers carry passcodes and credentials, query strings
      // and bodies are the tester's. Unwrapped: these get the raw objects, skipping the
      // standard serializers' copy of every header on each request.
      wrapSerializers: false,
      serializers: {
        req: (req: { id: unknown; method: string; originalUrl?: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.originalUrl ?? req.url).split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // JSON answers get OWASP's REST set (nothing may load or frame them); the web tester's page gets
  // a CSP that lets it reach LiveKit. Two precise policies, and the API path skips the page's
  // longer one (about a tenth of a token request's CPU).
  app.use(
    ['/api', '/healthz', '/readyz'],
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
    }),
  );
  app.use(createHealthRouter({ checkReady: deps.checkReady }));
  app.use(
    '/api',
    createTokenRouter({
      issuer,
      policy: { agentName: config.agentName, allowCallerId: config.allowCallerId },
      rateLimitPerMin: config.rateLimitPerMin,
      corsOrigins: config.corsOrigins,
      passcode: config.passcode,
      basicAuth: config.basicAuth,
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': connectSources(config.publicUrl),
          // The tester is often served over plain HTTP on a LAN or loopback.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  // With basic auth the page itself is private too; a passcode is entered in the page.
  if (config.basicAuth) app.use(requireBasicAuth(config.basicAuth));
  app.use(createWebTestRouter(config.webTestDir));
  app.use((_req, _res, next) => next(new NotFoundError()));
  app.use(errorHandler());
  return app;
}
