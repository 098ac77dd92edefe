// The logging surface the caller needs; a pino Logger satisfies it.

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

export interface SipCallerLogger {
  trace?: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?: (bindings: Record<string, unknown>) => SipCallerLogger;
}

const noop: LogFn = () => undefined;

export const silentLogger: SipCallerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
};

export function childLogger(
  logger: SipCallerLogger,
  bindings: Record<string, unknown>,
): SipCallerLogger {
  return logger.child ? logger.child(bindings) : logger;
}
