import { voice } from '@livekit/agents';
import type {
  CallRecordEntry,
  CallRecorder,
  LatencyLine,
  ToolCallLine,
  TurnLine,
} from './call-record.js';
import {
  AGENT_EVENTS_VERSION,
  type AgentEventMessage,
  type AgentEventPublisher,
} from './data-topic.js';
import { redactPhoneNumbers } from './redact.js';
import type { CallLogger, Clock, ToolCallEvent } from './types.js';

/**
 * Watches one call's `voice.AgentSession` and turns its events into what QA and admins see: the
 * transcript, per-turn latency and tool calls, written to the call record and published on the
 * room's `agent.events` data topic. See README.md in this folder.
 */

const SessionEvent = voice.AgentSessionEventTypes;

// ---------------------------------------------------------------------------------------------
// The session as the observer sees it: the few events it listens to, with only the fields it
// reads. `voice.AgentSession` satisfies it (checked below); tests drive a hand-written emitter.

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

// ---------------------------------------------------------------------------------------------

export type CallTurn = Omit<TurnLine, 'type'>;
export type TurnLatency = Omit<LatencyLine, 'type' | 'at'>;

export interface CallObserver {
  /** Reports one tool invocation (our MCP toolset calls this for every call it makes). */
  toolCall(event: ToolCallEvent): void;
  /**
   * Closes the record: finishes the open turn's latency, writes `call_ended`, publishes
   * `call_ended`, stops listening. Idempotent; the session's `close` event calls it with the
   * session's close reason, so the first of the two wins.
   */
  end(reason: string): Promise<void>;
  /** The transcript so far (a copy). */
  readonly turns: readonly CallTurn[];
  /** The latency of every finished caller turn (a copy). */
  readonly latencies: readonly TurnLatency[];
  readonly ended: boolean;
}

export interface CallObserverOptions {
  session: ObservableSession;
  callId: string;
  /**
   * The caller's number (SIP calls), used only to mask it wherever it appears in transcripts and
   * tool arguments or results; it is never written or published.
   */
  callerNumber?: string;
  /** Live events for the web tester; none for calls nobody watches. */
  publisher?: AgentEventPublisher;
  recorder: CallRecorder;
  clock?: Clock;
  logger: CallLogger;
  /** How long `end()` waits for queued data-topic messages to be sent. Default 2000 ms. */
  publishFlushTimeoutMs?: number;
}

interface OpenTurn {
  turn: number;
  endOfSpeechAt: number;
  firstAudioAt?: number;
  eouDelayMs?: number;
  transcriptionDelayMs?: number;
  ttftMs?: number;
  toolMs: number;
  toolCalls: number;
}

type ToolRecord = ToolCallEvent & { source: ToolCallLine['source'] };

/** Drops keys whose value is `undefined`, so records and messages carry only what is known. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(error: ObservedError): string {
  if (error.error instanceof Error) return error.error.message;
  if (typeof error.message === 'string') return error.message;
  if (typeof error.error === 'string') return error.error;
  return 'unknown error';
}

export function createCallObserver(options: CallObserverOptions): CallObserver {
  const { session, callId, publisher, recorder, logger } = options;
  const clock = options.clock ?? Date.now;
  const knownNumbers = options.callerNumber !== undefined ? [options.callerNumber] : [];
  const redact = (value: unknown): unknown => redactPhoneNumbers(value, knownNumbers);
  const flushTimeoutMs = options.publishFlushTimeoutMs ?? 2000;

  const turns: CallTurn[] = [];
  const latencies: TurnLatency[] = [];
  let open: OpenTurn | undefined;
  let turnCount = 0;
  // Tool calls the toolset reported since the last `function_tools_executed`, to tell them apart
  // from tools it does not handle.
  let reported: Array<{ callId: string; name: string }> = [];
  let ending: Promise<void> | undefined;

  const record = (entry: CallRecordEntry): void => {
    try {
      recorder.append(entry);
    } catch (error) {
      logger.error({ callId, type: entry.type, err: String(error) }, 'call record append failed');
    }
  };

  const publish = (message: AgentEventMessage): void => {
    if (publisher === undefined) return;
    try {
      publisher.publish(message);
    } catch (error) {
      logger.warn({ callId, type: message.type, err: String(error) }, 'agent event publish failed');
    }
  };

  const finishTurn = (): void => {
    const turn = open;
    if (turn === undefined) return;
    open = undefined;
    const at = clock();
    const latency: TurnLatency = defined({
      turn: turn.turn,
      endOfSpeechAt: turn.endOfSpeechAt,
      firstAudioAt: turn.firstAudioAt,
      endOfSpeechToFirstAudioMs:
        turn.firstAudioAt !== undefined ? turn.firstAudioAt - turn.endOfSpeechAt : undefined,
      eouDelayMs: turn.eouDelayMs,
      transcriptionDelayMs: turn.transcriptionDelayMs,
      ttftMs: turn.ttftMs,
      toolMs: turn.toolMs,
      toolCalls: turn.toolCalls,
    });
    latencies.push(latency);
    record({ type: 'latency', at, ...latency });
    publish(
      defined({
        type: 'latency',
        v: AGENT_EVENTS_VERSION,
        at,
        turn: latency.turn,
        eouDelayMs: latency.eouDelayMs,
        endOfSpeechToFirstAudioMs: latency.endOfSpeechToFirstAudioMs,
        ttftMs: latency.ttftMs,
        toolMs: latency.toolMs,
      }),
    );
  };

  const recordTool = (tool: ToolRecord): void => {
    const at = clock();
    if (open !== undefined) {
      open.toolMs += Math.max(0, Math.round(tool.durationMs));
      open.toolCalls += 1;
    }
    const args = redact(tool.args);
    const result = tool.result !== undefined ? redact(tool.result) : undefined;
    const error = tool.error !== undefined ? (redact(tool.error) as string) : undefined;
    record(
      defined({
        type: 'tool_call',
        at,
        turn: open?.turn,
        callId: tool.callId,
        name: tool.name,
        args,
        startedAt: tool.startedAt,
        durationMs: tool.durationMs,
        status: tool.status,
        result,
        error,
        source: tool.source,
      }),
    );
    publish(
      defined({
        type: 'tool_call',
        v: AGENT_EVENTS_VERSION,
        at,
        callId: tool.callId,
        name: tool.name,
        args,
        status: tool.status,
        durationMs: tool.durationMs,
        result,
        error,
      }),
    );
  };

  // -- session events ---------------------------------------------------------------------------

  const onUserState = (ev: ObservedStateChange<voice.UserState>): void => {
    if (ev.oldState === 'speaking' && ev.newState === 'listening') {
      const at = clock();
      if (open !== undefined && open.firstAudioAt === undefined) {
        // The caller paused and went on before the agent answered: still one turn.
        open.endOfSpeechAt = at;
        return;
      }
      finishTurn();
      turnCount += 1;
      open = { turn: turnCount, endOfSpeechAt: at, toolMs: 0, toolCalls: 0 };
    } else if (ev.newState === 'speaking' && open?.firstAudioAt !== undefined) {
      // The caller speaks again after (or over) the answer: that turn is over.
      finishTurn();
    }
  };

  const onAgentState = (ev: ObservedStateChange<voice.AgentState>): void => {
    const at = clock();
    publish({ type: 'agent_state', v: AGENT_EVENTS_VERSION, at, state: ev.newState });
    if (ev.newState === 'speaking') {
      if (open !== undefined && open.firstAudioAt === undefined) open.firstAudioAt = at;
    } else if (
      ev.oldState === 'speaking' &&
      (ev.newState === 'listening' || ev.newState === 'idle') &&
      open?.firstAudioAt !== undefined
    ) {
      // While tools run the agent is 'thinking', so this is the end of the whole answer.
      finishTurn();
    }
  };

  const onItem = ({ item }: { item: ObservedChatItem }): void => {
    if (item.type !== 'message' || (item.role !== 'user' && item.role !== 'assistant')) return;
    const text = item.textContent ?? '';
    if (text.trim() === '') return;
    const at = clock();
    const turn: CallTurn = {
      at,
      index: turns.length + 1,
      role: item.role,
      text: redact(text) as string,
      interrupted: item.interrupted ?? false,
      itemId: item.id,
      createdAt: item.createdAt ?? at,
    };
    turns.push(turn);
    record({ type: 'turn', ...turn });
  };

  const onMetrics = ({ metrics }: { metrics: ObservedMetrics }): void => {
    if (open === undefined) return;
    if (metrics.type === 'eou_metrics') {
      if (typeof metrics.endOfUtteranceDelayMs === 'number') {
        open.eouDelayMs = Math.round(metrics.endOfUtteranceDelayMs);
      }
      if (typeof metrics.transcriptionDelayMs === 'number') {
        open.transcriptionDelayMs = Math.round(metrics.transcriptionDelayMs);
      }
    } else if (metrics.type === 'realtime_model_metrics' || metrics.type === 'llm_metrics') {
      // The turn's first answer that produced output; an interrupted (cancelled) response may
      // belong to the previous turn.
      const { ttftMs } = metrics;
      if (open.ttftMs === undefined && metrics.cancelled !== true && ttftMs !== undefined) {
        if (ttftMs >= 0) open.ttftMs = Math.round(ttftMs);
      }
    }
  };

  const onToolsExecuted = (ev: {
    functionCalls: readonly ObservedFunctionCall[];
    functionCallOutputs: readonly ObservedFunctionCallOutput[];
  }): void => {
    ev.functionCalls.forEach((call, index) => {
      let match = reported.findIndex((r) => r.callId === call.callId);
      if (match < 0) match = reported.findIndex((r) => r.name === call.name);
      if (match >= 0) {
        reported.splice(match, 1);
        return;
      }
      const output = ev.functionCallOutputs[index];
      recordTool({
        callId: call.callId,
        name: call.name,
        args: parseJson(call.args),
        startedAt: call.createdAt,
        durationMs: output !== undefined ? Math.max(0, output.createdAt - call.createdAt) : 0,
        status: output?.isError === true ? 'error' : 'ok',
        result: output !== undefined && !output.isError ? parseJson(output.output) : undefined,
        error: output?.isError === true ? output.output : undefined,
        source: 'framework',
      });
    });
    reported = [];
  };

  const onError = ({ error }: { error: ObservedError }): void => {
    const errorType = error.type ?? 'error';
    const recoverable = error.recoverable ?? false;
    // The message goes to the record only: a provider's message may quote the conversation.
    logger.warn({ callId, errorType, label: error.label, recoverable }, 'agent session error');
    record(
      defined({
        type: 'error',
        at: clock(),
        errorType,
        label: error.label,
        message: redact(errorMessage(error)) as string,
        recoverable,
      }),
    );
  };

  const onClose = ({ reason }: { reason: string }): void => {
    void end(reason);
  };

  // A failing handler must never throw into the framework's emitter (and so into the call).
  const guard =
    <Ev>(name: string, handler: (ev: Ev) => void) =>
    (ev: Ev): void => {
      try {
        handler(ev);
      } catch (error) {
        logger.error({ callId, event: name, err: String(error) }, 'call observer failed on event');
      }
    };

  const listeners = {
    agentState: guard(SessionEvent.AgentStateChanged, onAgentState),
    userState: guard(SessionEvent.UserStateChanged, onUserState),
    item: guard(SessionEvent.ConversationItemAdded, onItem),
    metrics: guard(SessionEvent.MetricsCollected, onMetrics),
    tools: guard(SessionEvent.FunctionToolsExecuted, onToolsExecuted),
    error: guard(SessionEvent.Error, onError),
    close: guard(SessionEvent.Close, onClose),
  };

  session.on(SessionEvent.AgentStateChanged, listeners.agentState);
  session.on(SessionEvent.UserStateChanged, listeners.userState);
  session.on(SessionEvent.ConversationItemAdded, listeners.item);
  session.on(SessionEvent.MetricsCollected, listeners.metrics);
  session.on(SessionEvent.FunctionToolsExecuted, listeners.tools);
  session.on(SessionEvent.Error, listeners.error);
  session.on(SessionEvent.Close, listeners.close);

  const unsubscribe = (): void => {
    session.off(SessionEvent.AgentStateChanged, listeners.agentState);
    session.off(SessionEvent.UserStateChanged, listeners.userState);
    session.off(SessionEvent.ConversationItemAdded, listeners.item);
    session.off(SessionEvent.MetricsCollected, listeners.metrics);
    session.off(SessionEvent.FunctionToolsExecuted, listeners.tools);
    session.off(SessionEvent.Error, listeners.error);
    session.off(SessionEvent.Close, listeners.close);
  };

  function end(reason: string): Promise<void> {
    if (ending !== undefined) return ending;
    ending = (async () => {
      try {
        finishTurn();
        unsubscribe();
      } catch (error) {
        logger.error({ callId, err: String(error) }, 'call observer failed to finish the call');
      }
      const at = clock();
      publish({ type: 'call_ended', v: AGENT_EVENTS_VERSION, at, reason });
      await Promise.all([
        recorder.end(reason, at).catch((error: unknown) => {
          logger.error({ callId, err: String(error) }, 'call record end failed');
        }),
        publisher !== undefined ? flushWithin(publisher, flushTimeoutMs, logger, callId) : null,
      ]);
    })();
    return ending;
  }

  return {
    toolCall(event) {
      if (ending !== undefined) {
        logger.debug({ callId, tool: event.name }, 'tool call reported after the call ended');
        return;
      }
      try {
        reported.push({ callId: event.callId, name: event.name });
        recordTool({ ...event, source: 'toolset' });
      } catch (error) {
        logger.error({ callId, tool: event.name, err: String(error) }, 'tool call not recorded');
      }
    },
    end,
    get turns() {
      return turns.map((turn) => ({ ...turn }));
    },
    get latencies() {
      return latencies.map((latency) => ({ ...latency }));
    },
    get ended() {
      return ending !== undefined;
    },
  };
}

async function flushWithin(
  publisher: AgentEventPublisher,
  timeoutMs: number,
  logger: CallLogger,
  callId: string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([
      publisher.flush().then(() => 'flushed' as const),
      timedOut,
    ]);
    if (outcome === 'timeout') {
      logger.warn({ callId, timeoutMs }, 'agent events not all sent before the call ended');
    }
  } catch (error) {
    logger.warn({ callId, err: String(error) }, 'agent events flush failed');
  } finally {
    clearTimeout(timer);
  }
}
