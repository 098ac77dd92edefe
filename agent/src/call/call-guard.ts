// Keeps a call from hanging: silence, a call that runs too long, and a model that goes away.

export interface GuardedSession {
  on(
    event: 'user_state_changed',
    listener: (event: { oldState: string; newState: 'speaking' | 'listening' | 'away' }) => void,
  ): unknown;
  on(event: 'agent_state_changed', listener: (event: { newState: string }) => void): unknown;
  on(event: 'close', listener: (event: { reason: string; error: unknown }) => void): unknown;
  generateReply(options: { instructions: string; allowInterruptions?: boolean }): {
    waitForPlayout(): Promise<void>;
  };
}

export interface CallGuardOptions {
  session: GuardedSession;
  maxCallSeconds: number;
  /** Ends the call for everyone (deletes the room). */
  hangUp(reason: string): Promise<void>;
  /** The model is gone: play the recorded apology, then transfer or hang up. */
  onModelLost(): Promise<void>;
  /**
   * How long the agent may stay silent after the call starts or the caller's turn ends before the
   * model is presumed gone (default 15 s). Some model failures close nothing and emit nothing.
   */
  replyTimeoutMs?: number;
  setTimer?: (callback: () => void, ms: number) => { unref?(): unknown };
  clearTimer?: (timer: unknown) => void;
}

export const STILL_THERE_INSTRUCTIONS =
  'The caller has been silent for a while. Ask briefly whether they are still there.';
export const SILENCE_GOODBYE_INSTRUCTIONS =
  'The caller is still silent. Say in one short sentence that you will end the call now since you cannot hear them, and that they are welcome to call back. Say goodbye.';
export const NUDGE_INSTRUCTIONS =
  "Apologise briefly for the delay, then answer the caller's last question or ask how you can help.";
export const MAX_DURATION_GOODBYE_INSTRUCTIONS =
  'The call has reached its maximum length. Apologise that you have to end the call now, invite the caller to call back if they need more help, and say goodbye, in two short sentences.';

export interface CallGuard {
  /** Input that needs an answer arrived outside the audio path (keypad digits, say). */
  expectReply(): void;
  /** Stops the timers (the call ended some other way). */
  stop(): void;
}

/**
 * After the session reports the caller away (USER_AWAY_SECONDS of silence on both sides) the agent
 * asks whether they are still there; the second time it says goodbye and hangs up. At the maximum
 * call duration it says goodbye and hangs up. When the session closes on an error (the model
 * connection is gone for good), `onModelLost` runs so the caller is not left in silence.
 */
export function createCallGuard(options: CallGuardOptions): CallGuard {
  const { session, hangUp } = options;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  let awayPrompts = 0;
  let ending = false;
  let replyTimer: unknown;
  let nudged = false;

  // A reply is due: if none starts in time, nudge the model once, then give up on it.
  const expectReply = (): void => {
    if (ending) return;
    clearTimer(replyTimer);
    replyTimer = setTimer(() => {
      if (ending) return;
      if (!nudged) {
        nudged = true;
        session.generateReply({ instructions: NUDGE_INSTRUCTIONS });
        expectReply();
        return;
      }
      ending = true;
      void options.onModelLost();
    }, options.replyTimeoutMs ?? 15_000);
  };
  session.on('agent_state_changed', ({ newState }) => {
    if (newState !== 'speaking') return;
    clearTimer(replyTimer);
    nudged = false;
  });

  const endWith = async (instructions: string, reason: string): Promise<void> => {
    if (ending) return;
    ending = true;
    try {
      await session.generateReply({ instructions, allowInterruptions: false }).waitForPlayout();
    } finally {
      await hangUp(reason);
    }
  };

  session.on('user_state_changed', ({ oldState, newState }) => {
    if (newState === 'speaking') {
      awayPrompts = 0;
      return;
    }
    if (oldState === 'speaking' && newState === 'listening') expectReply();
    if (newState !== 'away' || ending) return;
    awayPrompts++;
    if (awayPrompts === 1) session.generateReply({ instructions: STILL_THERE_INSTRUCTIONS });
    else void endWith(SILENCE_GOODBYE_INSTRUCTIONS, 'caller_silent');
  });

  session.on('close', ({ reason }) => {
    stop();
    if (ending) return;
    if (reason === 'error') {
      ending = true;
      void options.onModelLost();
    }
  });

  const maxDuration = setTimer(
    () => void endWith(MAX_DURATION_GOODBYE_INSTRUCTIONS, 'max_duration'),
    options.maxCallSeconds * 1000,
  );
  maxDuration.unref?.();
  const stop = (): void => {
    clearTimer(maxDuration);
    clearTimer(replyTimer);
  };
  // The greeting is the first reply due.
  expectReply();
  return { expectReply, stop };
}
