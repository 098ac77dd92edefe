import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The process's one logger (JSON on stderr). The request log records method, path, status and
 * timing only; these paths are redacted as well in case a secret is ever passed to a log call.
 */
export function createLogger(
  level: string,
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      name: 'token-api',
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-qa-passcode"]',
          'req.headers.cookie',
          'req.body',
          'body',
          'err.body',
          'participant_token',
          'token',
          'passcode',
          'callerNumber',
          'apiSecret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
