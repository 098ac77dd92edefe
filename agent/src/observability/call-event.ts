/**
 * One event per thing that happens in a call, produced once by the call observer and then mapped
 * to the call record (to-call-record.ts) and to the room's data topic (to-data-topic.ts), so the
 * two cannot drift apart. Values are already redacted (phone numbers masked), and optional fields
 * are absent when unknown.
 */
import type { voice } from '@livekit/agents';
import type { ToolCallEvent } from './types.js';

/** One message of the transcript. */
export interface CallTurn {
  /** Epoch ms when the observer saw it. */
  at: number;
  /** 1-based position in the call's transcript. */
  index: number;
  role: 'user' | 'assistant';
  text: string;
  interrupted: boolean;
  /** The framework's chat item id and creation time (epoch ms). */
  itemId: string;
  createdAt: number;
}

/** How long one caller turn waited for its answer, and where the time went. */
export interface TurnLatency {
  /** 1-based index of the caller's turn (one per end of caller speech that got an answer). */
  turn: number;
  /** When the framework saw the caller stop speaking (after the VAD's silence window). */
  endOfSpeechAt: number;
  /** When the agent started speaking (its first audio frame reached the output). */
  firstAudioAt?: number;
  endOfSpeechToFirstAudioMs?: number;
  /** End of speech → end-of-turn decision (local turn detection only). */
  eouDelayMs?: number;
  /** End of speech → final transcript (local turn detection only). */
  transcriptionDelayMs?: number;
  /** Model time to first token (first audio token for a realtime model) of the turn's first answer. */
  ttftMs?: number;
  /** Sum of the turn's tool durations. */
  toolMs: number;
  toolCalls: number;
}

/**
 * `toolset`: reported by our MCP toolset. `framework`: a tool the toolset did not report (a
 * built-in tool such as ending the call), read from the session's `function_tools_executed` event.
 */
export type ToolCallSource = 'toolset' | 'framework';

export type CallEvent =
  /** The agent's state changed; `speaking` starts with its first audio frame. */
  | { type: 'agent_state'; at: number; state: voice.AgentState }
  /** A message joined the transcript. */
  | ({ type: 'turn' } & CallTurn)
  /** A tool finished; `turn` is the caller turn it ran in, if one was open. */
  | ({ type: 'tool_call'; at: number; turn?: number; source: ToolCallSource } & ToolCallEvent)
  /** A caller turn is over (answered, barged in on, or cut by the end of the call). */
  | ({ type: 'latency'; at: number } & TurnLatency)
  /** The session reported an error; `message` may quote the provider, so it is not logged. */
  | {
      type: 'error';
      at: number;
      errorType: string;
      label?: string;
      message: string;
      recoverable: boolean;
    }
  /**
   * The whole transcript in conversation order, once, as the call ends: the Realtime model
   * transcribes the caller in parallel with answering, so a caller's `turn` often comes after the
   * answer to it; here each message sits where it was said (by `createdAt`, the framework's time
   * for when the caller started speaking or the agent's message began).
   */
  | { type: 'transcript'; at: number; turns: readonly CallTurn[] }
  /** The call is over; always the last event. */
  | { type: 'call_ended'; at: number; reason: string };

export type CallEventOf<Type extends CallEvent['type']> = Extract<CallEvent, { type: Type }>;

/**
 * Where call events go. The observer hands every event to each sink, then closes them when the
 * call has ended.
 */
export interface CallEventSink {
  /** Takes one event; never throws (failures are logged). */
  handle(event: CallEvent): void;
  /** Resolves once what was handed over is written or sent, or given up on. */
  close(): Promise<void>;
}

/** Drops keys whose value is `undefined`, so records and messages carry only what is known. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
