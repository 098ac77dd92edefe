import cors from 'cors';
import express, { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { PASSCODE_HEADER, requireBasicAuth, requirePasscode } from '../auth.js';
import {
  MethodNotAllowedError,
  NotFoundError,
  OriginNotAllowedError,
  RateLimitedError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import { parseTokenRequest, type TokenRequestPolicy } from '../token-request.js';
import type { TokenIssuer } from '../tokens.js';

/** Far more than a standard token request needs (a name and one attribute). */
export const BODY_LIMIT = '8kb';

export interface TokenRouterDeps {
  issuer: TokenIssuer;
  policy: TokenRequestPolicy;
  /** Sessions per client address per minute. */
  rateLimitPerMin: number;
  /** Browser origins besides the API's own that may call it. */
  corsOrigins: readonly string[];
  passcode?: string | undefined;
  basicAuth?: { user: string; password: string } | undefined;
}

/**
 * Browsers send Origin on cross-origin requests (and on same-origin POSTs): only the API's own
 * origin and the allowlist get through. Requests without Origin (curl, SDKs) are not browsers.
 */
function originGate(allowed: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    const origin = req.header('origin');
    if (origin === undefined || allowed.has(origin)) return next();
    if (URL.canParse(origin) && new URL(origin).host === req.host) return next();
    next(new OriginNotAllowedError());
  };
}

/** Every field is optional, so no body (or an empty one) is fine; any other body must be JSON. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const empty = req.headers['content-length'] === '0';
  next(
    !empty && req.is('application/json') === false ? new UnsupportedMediaTypeError() : undefined,
  );
};

/**
 * `/api`: LiveKit's standardized token endpoint at `POST /api/token`. Order matters: origin
 * check and CORS (so preflights get through), then the rate limit (counting failed passcodes
 * too), then access control, and only then is the body read.
 */
export function createTokenRouter(deps: TokenRouterDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(originGate(new Set(deps.corsOrigins)));
  router.use(
    cors({
      origin: [...deps.corsOrigins],
      methods: ['POST'],
      allowedHeaders: ['Content-Type', 'Authorization', PASSCODE_HEADER],
      maxAge: 600,
    }),
  );

  const access: RequestHandler[] = [];
  if (deps.basicAuth) access.push(requireBasicAuth(deps.basicAuth));
  if (deps.passcode !== undefined) access.push(requirePasscode(deps.passcode));

  router.post(
    '/token',
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMin,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new RateLimitedError()),
    }),
    ...access,
    requireJsonBody,
    express.json({ limit: BODY_LIMIT }),
    async (req, res) => {
      const request = parseTokenRequest(req.body, deps.policy);
      const session = await deps.issuer.issue(request);
      req.log.info(
        {
          room: session.roomName,
          identity: session.identity,
          callerId: request.callerNumber !== undefined,
        },
        'session issued',
      );
      res.status(201).json({
        server_url: session.serverUrl,
        participant_token: session.participantToken,
      });
    },
  );
  router.all('/token', (_req, _res, next) => next(new MethodNotAllowedError('POST')));
  router.use((_req, _res, next) => next(new NotFoundError()));
  return router;
}
