// A caller turn the model committed and never answered. With server turn detection the model
// makes a response when the caller stops speaking, but none while another response is in progress.
// When that other response is one the agent then cancels because the caller spoke (a greeting or
// a tool's reply requested just as the caller's speech reached the model), the caller's turn is
// left without an answer and the caller hears silence until the 15 s reply guard. Seen on a worker
// host at 0.3 core: the session started late, the caller's buffered speech arrived with the
// greeting's response.create, and the greeting started between the speech's start and its end.
import type * as openai from '@livekit/agents-plugin-openai';
import {
  watchServerEvents,
  type RealtimeServerEvent,
  type SessionWatcher,
} from './server-events.js';

/** How long a committed turn may go without a response before the agent asks for one. */
export const UNANSWERED_TURN_GRACE_MS = 1_000;

export interface UnansweredTurnOptions {
  /** Asks the model for an answer to the caller's turn `itemId` (AgentSession.generateReply). */
  answer(itemId: string): void;
  graceMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /**
   * Runs the final check after input already received: a timer that fired late, after a stalled
   * event loop, must not run before the `response.created` waiting in the socket (setImmediate).
   */
  defer?: (callback: () => void) => void;
}

export interface UnansweredTurnWatch {
  /** The watcher of one model session (one per agent activity), from its first event on. */
  session(): SessionWatcher;
  /** No more answers (the call ended). */
  stop(): void;
}

/**
 * Tracks one model session's turns: a turn committed (`input_audio_buffer.committed`) is answered
 * by the next `response.created`. Once no response is in progress and the caller is not speaking,
 * a turn still unanswered after `graceMs` gets one request for an answer (the model's VAD answers
 * within tens of milliseconds when it does).
 */
export function createUnansweredTurnWatch(options: UnansweredTurnOptions): UnansweredTurnWatch {
  const graceMs = options.graceMs ?? UNANSWERED_TURN_GRACE_MS;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  const defer = options.defer ?? ((callback) => void setImmediate(callback));
  let stopped = false;
  let cancelCurrent: () => void = () => undefined;

  const session = (): SessionWatcher => {
    cancelCurrent(); // a new agent activity: its own conversation
    let unanswered: string | undefined;
    const inProgress = new Set<string>();
    let callerSpeaking = false;
    let timer: unknown;

    const quiet = () => !stopped && inProgress.size === 0 && !callerSpeaking;
    const check = () => {
      const itemId = unanswered;
      if (itemId === undefined || !quiet()) return;
      unanswered = undefined; // one request per turn, whatever becomes of it
      options.answer(itemId);
    };
    const schedule = () => {
      clearTimer(timer);
      timer = undefined;
      if (unanswered === undefined || !quiet()) return;
      timer = setTimer(() => defer(check), graceMs);
    };
    const forget = () => {
      clearTimer(timer);
      timer = undefined;
      unanswered = undefined;
      inProgress.clear();
      callerSpeaking = false;
    };
    cancelCurrent = forget;

    return {
      event(event) {
        switch (event.type) {
          case 'input_audio_buffer.speech_started':
            callerSpeaking = true;
            schedule();
            return;
          case 'input_audio_buffer.speech_stopped':
            callerSpeaking = false;
            return;
          case 'input_audio_buffer.committed':
            if (typeof event.item_id === 'string') unanswered = event.item_id;
            schedule();
            return;
          case 'response.created': {
            unanswered = undefined;
            const id = responseId(event);
            if (id !== undefined) inProgress.add(id);
            schedule();
            return;
          }
          case 'response.done': {
            const id = responseId(event);
            if (id !== undefined) inProgress.delete(id);
            schedule();
            return;
          }
        }
      },
      // Responses in flight on the old socket never finish; the model recovery retries the one
      // that was cut off (model-recovery.ts), so nothing here is owed an answer any more.
      reconnected: forget,
    };
  };

  return {
    session,
    stop() {
      stopped = true;
      cancelCurrent();
    },
  };
}

function responseId(event: RealtimeServerEvent): string | undefined {
  const response = event.response as { id?: unknown } | undefined;
  return typeof response?.id === 'string' ? response.id : undefined;
}

/** Watches every session of `model` for turns left unanswered (server turn detection only). */
export function watchUnansweredTurns(
  model: openai.realtime.RealtimeModel,
  options: UnansweredTurnOptions,
): UnansweredTurnWatch {
  const watch = createUnansweredTurnWatch(options);
  watchServerEvents(model, watch.session);
  return watch;
}
