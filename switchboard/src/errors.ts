import type { ErrorRequestHandler } from 'express';

/** An error meant for the client: its status, code and message are sent as they are. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 401: a webhook whose signature does not verify (forged, altered, or signed with another key). */
export class UnsignedWebhookError extends ApiError {
  constructor() {
    super(401, 'unauthorized', 'The webhook is not signed by livekit-server');
  }
}

export class NotFoundError extends ApiError {
  constructor() {
    super(404, 'not_found', 'No such endpoint');
  }
}

/** The one error middleware: client errors as `{ error: { code, message } }`, anything else 500. */
export function errorHandler(log: { error(fields: object, message: string): void }) {
  const handler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if ((error as { type?: unknown } | null)?.type === 'entity.too.large')
      apiError = new ApiError(413, 'payload_too_large', 'The request body is too large');
    else {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      log.error({ err: { name, message } }, 'request failed');
      apiError = new ApiError(500, 'internal_error', 'Internal error');
    }
    if (res.headersSent) return void res.destroy();
    res.status(apiError.status).json({ error: { code: apiError.code, message: apiError.message } });
  };
  return handler;
}
