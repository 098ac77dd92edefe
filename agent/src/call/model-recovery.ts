// Speaks when a model response goes wrong (model/model-trouble.ts), so the caller never sits in
// silence: a short apology and a second try. Several reports about one failure (a server_error
// followed by its failed response.done) make one retry; after `maxRetries` failed tries in a row
// the model is given up on and the recorded fallback takes over (onGiveUp).
import type { Logger } from 'pino';
import type { ModelTrouble, ModelTroubleHandler } from '../model/model-trouble.js';

export const RETRY_INSTRUCTIONS =
  "Your last answer did not reach the caller because of a technical problem. Say sorry in a few words, then answer the caller's last request again.";

export interface RecoverableSession {
  generateReply(options: { instructions: string }): unknown;
}

export interface ModelRecoveryOptions {
  session: RecoverableSession;
  logger: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** The model keeps failing: hand over to the recorded apology (the call guard's onModelLost). */
  onGiveUp(): void;
  maxRetries?: number;
  /** Reports within this window are one failure; a refused create retries after it. */
  settleMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export function createModelRecovery(options: ModelRecoveryOptions): ModelTroubleHandler {
  const { session, logger } = options;
  const maxRetries = options.maxRetries ?? 2;
  const settleMs = options.settleMs ?? 300;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  let retries = 0;
  let pending: unknown;
  let gaveUp = false;

  const retry = (): void => {
    pending = undefined;
    if (gaveUp) return;
    if (retries >= maxRetries) {
      gaveUp = true;
      logger.error({ retries }, 'model keeps failing; handing over to the recorded fallback');
      options.onGiveUp();
      return;
    }
    retries++;
    logger.warn({ attempt: retries }, 'retrying the answer after a model failure');
    session.generateReply({ instructions: RETRY_INSTRUCTIONS });
  };

  return {
    onTrouble(trouble: ModelTrouble) {
      if (trouble.kind === 'rate_limited') {
        // Nothing to say yet: the current answer goes on. Logged so a run of refusals is explained.
        logger.warn({ remaining: trouble.remaining }, 'model rate limits nearly exhausted');
        return;
      }
      if (trouble.kind === 'session_expired') {
        // The plugin reconnects; an answer it cut off is reported as dropped_mid_response.
        logger.warn('model session expired; the plugin reconnects');
        return;
      }
      logger.warn({ trouble }, 'model response went wrong');
      if (pending !== undefined) clearTimer(pending);
      pending = setTimer(retry, settleMs);
    },
    onCompleted() {
      retries = 0;
    },
  };
}
