import { voice } from '@livekit/agents';
import {
  defined,
  type CallEvent,
  type CallEventSink,
  type CallTurn,
  type ToolCallSource,
  type TurnLatency,
} from './call-event.js';
import type { CallRecorder } from './call-record.js';
import type { AgentEventPublisher } from './data-topic.js';
import type {
  ObservableSession,
  ObservedChatItem,
  ObservedError,
  ObservedFunctionCall,
  ObservedFunctionCallOutput,
  ObservedMetrics,
  ObservedStateChange,
} from './observed-session.js';
import { redactPhoneNumbers } from './redact.js';
import { createCallRecordSink } from './to-call-record.js';
import { createDataTopicSink } from './to-data-topic.js';
import type { CallLogger, Clock, ToolCallEvent } from './types.js';

/**
 * Watches one call's `voice.AgentSession` and turns what happens into call events (call-event.ts):
 * the transcript, per-turn latency, tool calls, errors and the end of the call. Each event is made
 * once and handed to the call record and the room's `agent.events` data topic, which map it to
 * their own formats. See README.md in this folder.
 */

const SessionEvent = voice.AgentSessionEventTypes;

export interface CallObserver {
  /** Reports one tool invocation (our MCP toolset calls this for every call it makes). */
  toolCall(event: ToolCallEvent): void;
  /**
   * The caller started the turn that becomes user message `itemId` (model/speech-starts.ts):
   * that message's place in the conversation, whenever its transcript comes.
   */
  speechStarted(itemId: string, at: number): void;
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

type ToolReport = ToolCallEvent & { source: ToolCallSource };

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

  const sinks: CallEventSink[] = [createCallRecordSink({ recorder, callId, logger })];
  if (publisher !== undefined) {
    const flushTimeoutMs = options.publishFlushTimeoutMs ?? 2000;
    sinks.push(createDataTopicSink({ publisher, callId, logger, flushTimeoutMs }));
  }
  const emit = (event: CallEvent): void => {
    for (const sink of sinks) sink.handle(event);
  };

  const turns: CallTurn[] = [];
  /** When the caller started each turn, by the id of its user message. */
  const speechStarts = new Map<string, number>();
  const latencies: TurnLatency[] = [];
  let open: OpenTurn | undefined;
  let turnCount = 0;
  // Tool calls the toolset reported since the last `function_tools_executed`, to tell them apart
  // from tools it does not handle.
  let reported: Array<{ callId: string; name: string }> = [];
  let ending: Promise<void> | undefined;

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
    emit({ type: 'latency', at, ...latency });
  };

  const reportTool = (tool: ToolReport): void => {
    const at = clock();
    if (open !== undefined) {
      open.toolMs += Math.max(0, Math.round(tool.durationMs));
      open.toolCalls += 1;
    }
    emit({
      type: 'tool_call',
      at,
      turn: open?.turn,
      callId: tool.callId,
      name: tool.name,
      args: redact(tool.args),
      startedAt: tool.startedAt,
      durationMs: tool.durationMs,
      status: tool.status,
      result: tool.result !== undefined ? redact(tool.result) : undefined,
      error: tool.error !== undefined ? (redact(tool.error) as string) : undefined,
      source: tool.source,
    });
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
    emit({ type: 'agent_state', at, state: ev.newState });
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
      createdAt:
        (item.role === 'user' ? speechStarts.get(item.id) : undefined) ?? item.createdAt ?? at,
    };
    turns.push(turn);
    emit({ type: 'turn', ...turn });
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
      reportTool({
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
    emit({
      type: 'error',
      at: clock(),
      errorType,
      label: error.label,
      message: redact(errorMessage(error)) as string,
      recoverable,
    });
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
      if (turns.length > 0)
        emit({ type: 'transcript', at: clock(), turns: conversationOrder(turns) });
      emit({ type: 'call_ended', at: clock(), reason });
      await Promise.all(sinks.map((sink) => sink.close()));
    })();
    return ending;
  }

  return {
    speechStarted(itemId, at) {
      speechStarts.set(itemId, at);
    },
    toolCall(event) {
      if (ending !== undefined) {
        logger.debug({ callId, tool: event.name }, 'tool call reported after the call ended');
        return;
      }
      try {
        reported.push({ callId: event.callId, name: event.name });
        reportTool({ ...event, source: 'toolset' });
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

/** The turns by when they were said (`createdAt`), ties kept in the order they came. */
export function conversationOrder(turns: readonly CallTurn[]): CallTurn[] {
  return turns
    .map((turn, arrival) => ({ turn, arrival }))
    .sort((a, b) => a.turn.createdAt - b.turn.createdAt || a.arrival - b.arrival)
    .map(({ turn }) => ({ ...turn }));
}
