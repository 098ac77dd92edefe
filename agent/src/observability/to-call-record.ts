/**
 * Call events → lines of the call record (call-record.ts writes them). The record is QA material:
 * it keeps the transcript, tool data, latency and errors, but not the agent's live state, and no
 * email address: `verify_customer`'s email is the caller's verification secret, so every address
 * (in tool data, the transcript and error messages) becomes a marker here, whoever made the event.
 */
import { defined, type CallEvent, type CallEventSink } from './call-event.js';
import type {
  CallRecordEntry,
  CallRecorder,
  ErrorLine,
  LatencyLine,
  ToolCallLine,
} from './call-record.js';
import { redactEmailText, redactEmails } from './redact.js';
import type { CallLogger } from './types.js';

/** The record line for one event, or undefined when the record does not keep it. */
export function toCallRecordEntry(event: CallEvent): CallRecordEntry | undefined {
  switch (event.type) {
    case 'turn':
      return {
        type: 'turn',
        at: event.at,
        index: event.index,
        role: event.role,
        text: redactEmailText(event.text),
        interrupted: event.interrupted,
        itemId: event.itemId,
        createdAt: event.createdAt,
      };
    case 'tool_call':
      return defined<ToolCallLine>({
        type: 'tool_call',
        at: event.at,
        turn: event.turn,
        callId: event.callId,
        name: event.name,
        args: redactEmails(event.args),
        startedAt: event.startedAt,
        durationMs: event.durationMs,
        status: event.status,
        result: event.result !== undefined ? redactEmails(event.result) : undefined,
        error: event.error !== undefined ? redactEmailText(event.error) : undefined,
        source: event.source,
      });
    case 'latency':
      return defined<LatencyLine>({
        type: 'latency',
        at: event.at,
        turn: event.turn,
        endOfSpeechAt: event.endOfSpeechAt,
        firstAudioAt: event.firstAudioAt,
        endOfSpeechToFirstAudioMs: event.endOfSpeechToFirstAudioMs,
        eouDelayMs: event.eouDelayMs,
        transcriptionDelayMs: event.transcriptionDelayMs,
        ttftMs: event.ttftMs,
        toolMs: event.toolMs,
        toolCalls: event.toolCalls,
      });
    case 'error':
      return defined<ErrorLine>({
        type: 'error',
        at: event.at,
        errorType: event.errorType,
        label: event.label,
        message: redactEmailText(event.message),
        recoverable: event.recoverable,
      });
    case 'agent_state':
      // Live state for the web tester only; the latency lines keep what QA needs of it.
      return undefined;
    case 'transcript':
      return {
        type: 'transcript',
        at: event.at,
        turns: event.turns.map((turn) => ({ ...turn, text: redactEmailText(turn.text) })),
      };
    case 'call_ended':
      // The recorder writes `call_ended` itself on `end()`: it knows when the call started.
      return undefined;
  }
}

export interface CallRecordSinkOptions {
  recorder: CallRecorder;
  callId: string;
  logger: CallLogger;
}

/** Appends each event's line to the call record, and ends the record on `call_ended`. */
export function createCallRecordSink(options: CallRecordSinkOptions): CallEventSink {
  const { recorder, callId, logger } = options;
  let ended: Promise<void> | undefined;
  return {
    handle(event) {
      if (event.type === 'call_ended') {
        const endFailed = (error: unknown): void =>
          logger.error({ callId, err: String(error) }, 'call record end failed');
        try {
          ended ??= recorder.end(event.reason, event.at).catch(endFailed);
        } catch (error) {
          endFailed(error);
        }
        return;
      }
      const entry = toCallRecordEntry(event);
      if (entry === undefined) return;
      try {
        recorder.append(entry);
      } catch (error) {
        logger.error({ callId, type: entry.type, err: String(error) }, 'call record append failed');
      }
    },
    close() {
      return ended ?? Promise.resolve();
    },
  };
}
