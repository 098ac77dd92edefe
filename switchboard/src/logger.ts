import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The process's one logger (JSON on stderr). Calls are named by room and a salted caller key,
 * never by number; these paths are redacted as well in case one is ever passed to a log call.
 */
export function createLogger(
  level: string,
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      name: 'switchboard',
      level,
      redact: {
        paths: ['callerNumber', 'attributes', 'participant', 'authorization', 'apiSecret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
