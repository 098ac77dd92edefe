// Tokens from our API (token-api/README.md): `POST /api/token`, LiveKit's standard token endpoint,
// with the passcode in `X-QA-Passcode`. Errors are `{ "error": { "code", "message" } }`.
import { QA_CALLER_NUMBER_ATTRIBUTE } from './caller-id';

export const TOKEN_ENDPOINT = '/api/token';
export const PASSCODE_HEADER = 'X-QA-Passcode';

export interface TokenRequest {
  /** Sent as X-QA-Passcode when not empty. */
  passcode: string;
  /** E.164; sent as participant_attributes['qa.caller_number'] only when set. */
  callerNumber?: string | undefined;
}

export interface ConnectionDetails {
  serverUrl: string;
  participantToken: string;
}

export type TokenFetcher = (request: TokenRequest) => Promise<ConnectionDetails>;

/** A refused or failed token request, with what the API said. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    /** HTTP status; undefined when the API could not be reached. */
    readonly status?: number,
    /** The API's error code (`unauthorized`, `field_not_allowed`, ...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** An error answer's body → TokenError with the API's own code and message. */
export function tokenErrorFromResponse(status: number, body: string): TokenError {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (error && typeof error.message === 'string' && error.message !== '')
      return new TokenError(
        error.message,
        status,
        typeof error.code === 'string' ? error.code : undefined,
      );
  } catch {
    // Not our JSON (a proxy's HTML page, say): fall through.
  }
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return new TokenError(text || `HTTP ${status}`, status);
}

/**
 * livekit-client's endpoint TokenSource throws
 * `Error generating token from endpoint URL: received STATUS / BODY`; anything else (a TypeError
 * from fetch) means the API was not reached.
 */
export function tokenErrorFromSdk(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = /received (\d{3}) \/ ([\s\S]*)$/.exec(message);
  if (match) return tokenErrorFromResponse(Number(match[1]), match[2] ?? '');
  return new TokenError(message || 'The token request failed');
}

export interface ErrorDescription {
  title: string;
  /** The API's (or browser's) message, shown as is. */
  message: string;
  /** What to check or do next. */
  hint?: string;
}

/** How the page explains a token failure. */
export function describeTokenError(error: TokenError, sentCallerId: boolean): ErrorDescription {
  const message = error.message;
  if (error.status === undefined)
    return {
      title: 'Could not reach the token API',
      message,
      hint:
        'Is the token API running (npm start -w token-api)? In development, the Vite server ' +
        'forwards /api to http://127.0.0.1:3000.',
    };
  switch (error.code) {
    case 'unauthorized':
      return {
        title: 'Passcode refused',
        message,
        hint: 'Check the passcode (QA_PASSCODE on the token API); it is case-sensitive.',
      };
    case 'field_not_allowed':
      if (sentCallerId || message.includes(QA_CALLER_NUMBER_ATTRIBUTE))
        return {
          title: 'This server does not allow caller-ID testing',
          message,
          hint:
            'Clear the caller-ID field to start without it, or ask an admin to set ' +
            'QA_ALLOW_CALLER_ID=true on the token API.',
        };
      return { title: 'The token API refused a field', message };
    case 'origin_not_allowed':
      return {
        title: 'This page’s address may not use the token API',
        message,
        hint: 'Open the tester from the token API’s own address, or add this origin to CORS_ORIGINS.',
      };
    case 'rate_limited':
      return { title: 'Too many sessions', message, hint: 'Wait a minute, then start again.' };
    case 'invalid_request':
      return { title: 'The token API refused the request', message };
    default:
      if (error.status >= 500)
        return {
          title: `The token API failed (HTTP ${error.status})`,
          message,
          hint: 'See the token API’s log; GET /readyz tells whether LiveKit is reachable.',
        };
      return { title: `Token refused (HTTP ${error.status})`, message };
  }
}
