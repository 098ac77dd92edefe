/**
 * The session as the call observer sees it: the few events it listens to, with only the fields it
 * reads. `voice.AgentSession` satisfies it (checked below); tests drive a hand-written emitter.
 */
import type { voice } from '@livekit/agents';

export interface ObservedStateChange<State extends string> {
  oldState: State;
  newState: State;
}

/** A `ChatMessage` (or any other chat item: only messages are read). */
export interface ObservedChatItem {
  type: string;
  id: string;
  role?: string;
  textContent?: string | undefined;
  interrupted?: boolean;
  createdAt?: number;
}

/** One of the framework's `AgentMetrics`; only these fields are read. */
export interface ObservedMetrics {
  type: string;
  /** `llm_metrics`, `realtime_model_metrics` (-1: the response had no audio). */
  ttftMs?: number;
  cancelled?: boolean;
  /** `eou_metrics`. */
  endOfUtteranceDelayMs?: number;
  transcriptionDelayMs?: number;
}

export interface ObservedFunctionCall {
  callId: string;
  name: string;
  /** JSON text. */
  args: string;
  createdAt: number;
}

export interface ObservedFunctionCallOutput {
  callId: string;
  output: string;
  isError: boolean;
  createdAt: number;
}

/** A `RealtimeModelError`, `LLMError`, `STTError`, `TTSError` or `InterruptionDetectionError`. */
export interface ObservedError {
  type?: string;
  label?: string;
  recoverable?: boolean;
  message?: string;
  error?: unknown;
}

export interface ObservedSessionEvents {
  [voice.AgentSessionEventTypes.AgentStateChanged]: (
    ev: ObservedStateChange<voice.AgentState>,
  ) => void;
  [voice.AgentSessionEventTypes.UserStateChanged]: (
    ev: ObservedStateChange<voice.UserState>,
  ) => void;
  [voice.AgentSessionEventTypes.ConversationItemAdded]: (ev: { item: ObservedChatItem }) => void;
  [voice.AgentSessionEventTypes.MetricsCollected]: (ev: { metrics: ObservedMetrics }) => void;
  [voice.AgentSessionEventTypes.FunctionToolsExecuted]: (ev: {
    functionCalls: readonly ObservedFunctionCall[];
    functionCallOutputs: readonly ObservedFunctionCallOutput[];
  }) => void;
  [voice.AgentSessionEventTypes.Error]: (ev: { error: ObservedError }) => void;
  [voice.AgentSessionEventTypes.Close]: (ev: {
    reason: string;
    error: ObservedError | null;
  }) => void;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** One overload per event: `on(name, listener)` with that event's listener type. */
type EventOverloads<Events> = UnionToIntersection<
  { [Name in keyof Events]: (event: Name, listener: Events[Name]) => unknown }[keyof Events]
>;

/**
 * The session's event emitter, reduced to the events the observer uses. The names are the
 * framework's `voice.AgentSessionEventTypes` (string enum) values, e.g. `'agent_state_changed'`.
 */
export interface ObservableSession {
  on: EventOverloads<ObservedSessionEvents>;
  off: EventOverloads<ObservedSessionEvents>;
}

type Assert<T extends true> = T;
/** Compile-time check: the real session can be observed. */
type _AgentSessionIsObservable = Assert<
  voice.AgentSession extends ObservableSession ? true : false
>;
