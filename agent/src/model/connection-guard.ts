import type { Logger } from 'pino';

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** A WebSocket connection failure raised by the `ws` library (the Realtime model's transport). */
export function isModelConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  const fromWs = /[\\/]ws[\\/]lib[\\/]/.test(error.stack ?? '');
  return (
    (code !== undefined && CONNECTION_FAILURES.has(code)) ||
    (fromWs && /^Unexpected server response/.test(error.message))
  );
}

/**
 * The OpenAI Realtime plugin (1.9) opens its WebSocket without an 'error' listener, so a refused
 * or failed connection is thrown as an uncaught exception and would kill the job process with the
 * caller still on the line. This keeps the process alive for those errors only: the plugin then
 * sees the socket close, retries, and finally closes the session with an error, which the call
 * guard answers with the recorded apology. Any other uncaught error still ends the process.
 * Returns a function that removes the guard.
 */
export function guardModelConnectionErrors(logger: Logger): () => void {
  const onUncaught = (error: Error): void => {
    if (isModelConnectionError(error)) {
      logger.warn(
        { code: (error as NodeJS.ErrnoException).code, detail: error.message },
        'model connection failed',
      );
      return;
    }
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  };
  process.on('uncaughtException', onUncaught);
  return () => process.off('uncaughtException', onUncaught);
}
