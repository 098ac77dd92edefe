import type { ErrorRequestHandler } from 'express';

/** Every error a client sees has this shape: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** An error meant for the client: its status, code and message are sent as they are. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. WWW-Authenticate or Allow. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** 400: the body does not match the request format. */
export class InvalidRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'invalid_request', message);
  }
}

/** 403: a field the tester may not choose (the server assigns it, or it is not offered). */
export class FieldNotAllowedError extends ApiError {
  constructor(message: string) {
    super(403, 'field_not_allowed', message);
  }
}

/** 401: missing or wrong credentials. */
export class UnauthorizedError extends ApiError {
  constructor(message: string, headers: Readonly<Record<string, string>> = {}) {
    super(401, 'unauthorized', message, headers);
  }
}

/** 403: a browser page from an origin that is not in CORS_ORIGINS. */
export class OriginNotAllowedError extends ApiError {
  constructor() {
    super(403, 'origin_not_allowed', 'This origin may not use the token API (see CORS_ORIGINS)');
  }
}

/** 429: too many sessions from this address. */
export class RateLimitedError extends ApiError {
  constructor() {
    super(429, 'rate_limited', 'Too many sessions from this address; try again in a minute');
  }
}

/** 415: a body that is not JSON. */
export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'unsupported_media_type', 'The body must be JSON (Content-Type: application/json)');
  }
}

export class NotFoundError extends ApiError {
  constructor() {
    super(404, 'not_found', 'No such endpoint');
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(allow: string) {
    super(405, 'method_not_allowed', `Use ${allow}`, { Allow: allow });
  }
}

/** What the body parser throws, by its `type`, as client errors. */
const BODY_PARSER_ERRORS: Record<string, () => ApiError> = {
  'entity.too.large': () => new ApiError(413, 'payload_too_large', 'The request body is too large'),
  'entity.parse.failed': () => new ApiError(400, 'invalid_json', 'The body is not valid JSON'),
  'encoding.unsupported': () => new UnsupportedMediaTypeError(),
  'charset.unsupported': () => new UnsupportedMediaTypeError(),
  'request.aborted': () => new ApiError(400, 'request_aborted', 'The request was aborted'),
};

/**
 * The one error middleware: client errors become their JSON answer; anything else is logged
 * (name, message and stack only: a body parser's error carries the raw body) and answered 500.
 */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else {
      const type = (error as { type?: unknown } | null)?.type;
      const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
      if (known) {
        apiError = known();
      } else {
        const { name, message, stack } =
          error instanceof Error ? error : new Error(`non-error thrown: ${typeof error}`);
        req.log.error({ err: { name, message, stack } }, 'request failed');
        apiError = new ApiError(500, 'internal_error', 'Internal error');
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(apiError.status).set(apiError.headers);
    const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
    res.json(body);
  };
}
