import { pino, type Logger } from 'pino';

/**
 * The process's one logger. Always writes to stderr: on stdio, stdout is the MCP protocol.
 * Fields that could carry a caller's data are redacted wherever they appear.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      name: 'mcp',
      level,
      redact: {
        paths: [
          'email',
          '*.email',
          'phone',
          '*.phone',
          'callerNumber',
          'req.headers.authorization',
          'req.headers["x-caller-number"]',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
