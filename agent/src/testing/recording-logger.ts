import type { Logger } from 'pino';

/** A pino-shaped logger that records every line, to check that nothing personal is ever logged. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...parts: unknown[]) =>
      lines.push(`${level} ${JSON.stringify(parts)}`);
  const logger = {
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    fatal: record('fatal'),
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, lines };
}
