import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voice } from '@livekit/agents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallObserver, type CallObserver } from './call-observer.js';
import {
  createCallRecorder,
  maskPhone,
  readCallRecord,
  type CallRecorder,
  type CallRecordEntry,
} from './call-record.js';
import type { AgentEventMessage, AgentEventPublisher } from './data-topic.js';
import type {
  ObservableSession,
  ObservedMetrics,
  ObservedSessionEvents,
} from './observed-session.js';
import { FakeLogger } from '../testing/fake-logger.js';
import { ManualClock } from '../testing/manual-clock.js';

const Event = voice.AgentSessionEventTypes;

/** The session's event emitter, hand-written: what the observer subscribes to, and `emit`. */
class FakeSession implements ObservableSession {
  readonly #listeners = new Map<string, Set<(ev: any) => void>>();

  on(event: string, listener: (ev: any) => void): this {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return this;
  }

  off(event: string, listener: (ev: any) => void): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  emit<Name extends keyof ObservedSessionEvents>(
    event: Name,
    ev: Parameters<ObservedSessionEvents[Name]>[0],
  ): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(ev);
  }

  listenerCount(): number {
    return [...this.#listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  // Shorthands for the framework's events.
  agent(oldState: voice.AgentState, newState: voice.AgentState): void {
    this.emit(Event.AgentStateChanged, { oldState, newState });
  }

  user(oldState: voice.UserState, newState: voice.UserState): void {
    this.emit(Event.UserStateChanged, { oldState, newState });
  }

  message(role: string, text: string, id: string, createdAt: number, interrupted = false): void {
    this.emit(Event.ConversationItemAdded, {
      item: { type: 'message', id, role, textContent: text, interrupted, createdAt },
    });
  }

  metrics(metrics: ObservedMetrics & Record<string, unknown>): void {
    this.emit(Event.MetricsCollected, { metrics });
  }

  toolsExecuted(
    calls: Array<{ callId: string; name: string; args: string; createdAt: number }>,
    outputs: Array<{ callId: string; output: string; isError: boolean; createdAt: number }>,
  ): void {
    this.emit(Event.FunctionToolsExecuted, {
      functionCalls: calls,
      functionCallOutputs: outputs,
    });
  }
}

class FakePublisher implements AgentEventPublisher {
  readonly messages: AgentEventMessage[] = [];
  flushed = 0;
  publish(message: AgentEventMessage): void {
    this.messages.push(message);
  }
  async flush(): Promise<void> {
    this.flushed += 1;
  }
  of<T extends AgentEventMessage['type']>(type: T): Array<Extract<AgentEventMessage, { type: T }>> {
    return this.messages.filter(
      (message): message is Extract<AgentEventMessage, { type: T }> => message.type === type,
    );
  }
}

/** Realtime model metrics as the OpenAI plugin reports them (only ttftMs matters here). */
const realtimeMetrics = (ttftMs: number, cancelled = false) => ({
  type: 'realtime_model_metrics',
  label: 'openai.realtime.RealtimeModel',
  requestId: `resp_${ttftMs}`,
  timestamp: 0,
  durationMs: 1500,
  ttftMs,
  cancelled,
  inputTokens: 120,
  outputTokens: 80,
  totalTokens: 200,
  tokensPerSecond: 50,
});

const CALLER = '+14155550100';
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

let dir: string;
let clock: ManualClock;
let logger: FakeLogger;
let session: FakeSession;
let publisher: FakePublisher;
let recorder: CallRecorder;
let observer: CallObserver;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'call-observer-'));
  clock = new ManualClock(T0);
  logger = new FakeLogger();
  session = new FakeSession();
  publisher = new FakePublisher();
  recorder = createCallRecorder({
    dir,
    callId: 'SCL_test',
    startedAt: T0,
    kind: 'sip',
    callerNumberMasked: maskPhone(CALLER),
    logger,
    clock: clock.read,
  });
  observer = createCallObserver({
    session,
    callId: 'SCL_test',
    callerNumber: CALLER,
    publisher,
    recorder,
    clock: clock.read,
    logger,
  });
});

afterEach(async () => {
  // Appends still queued by a test would recreate files while the folder is removed.
  await recorder.flush();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('createCallObserver', () => {
  it('turns a realistic call into turns, latency, tool calls, a record and live events', async () => {
    // The greeting (no caller turn yet: no latency).
    session.agent('initializing', 'listening');
    clock.now = T0 + 500;
    session.agent('listening', 'speaking');
    session.message('assistant', 'Hi, thanks for calling. How can I help?', 'item_a1', T0 + 500);
    clock.now = T0 + 3000;
    session.agent('speaking', 'listening');

    // Turn 1: a question that needs a tool.
    clock.now = T0 + 4000;
    session.user('listening', 'speaking');
    clock.now = T0 + 7000;
    session.user('speaking', 'listening'); // end of caller speech
    session.metrics({
      type: 'eou_metrics',
      timestamp: T0 + 7010,
      endOfUtteranceDelayMs: 612.4,
      transcriptionDelayMs: 180.6,
      onUserTurnCompletedDelayMs: 0.4,
      lastSpeakingTimeMs: T0 + 6400,
    });
    clock.now = T0 + 7050;
    session.agent('listening', 'thinking');
    session.message(
      'user',
      'Where is my order O9002? I am calling from 415 555 0100.',
      'item_u1',
      T0 + 4000,
    );
    clock.now = T0 + 7600;
    session.metrics(realtimeMetrics(-1)); // the response that only called the tool
    clock.now = T0 + 8000;
    observer.toolCall({
      callId: 'call_1',
      name: 'get_order_status',
      args: { order_id: 'O9002' },
      startedAt: T0 + 7620,
      durationMs: 380,
      status: 'ok',
      result: { order_id: 'O9002', order_status: 'Shipped', contact: CALLER },
    });
    session.toolsExecuted(
      [{ callId: 'call_1', name: 'get_order_status', args: '{"order_id":"O9002"}', createdAt: 0 }],
      [{ callId: 'call_1', output: '{"order_status":"Shipped"}', isError: false, createdAt: 0 }],
    );
    clock.now = T0 + 8350;
    session.agent('thinking', 'speaking'); // first agent audio
    session.metrics(realtimeMetrics(321.7));
    session.message('assistant', 'Your order O9002 has shipped.', 'item_a2', T0 + 8350);
    clock.now = T0 + 10_000;
    session.agent('speaking', 'listening');

    clock.now = T0 + 12_000;
    await observer.end('participant_disconnected');

    // The transcript, in order, with the caller's number masked.
    expect(observer.turns).toEqual([
      {
        at: T0 + 500,
        index: 1,
        role: 'assistant',
        text: 'Hi, thanks for calling. How can I help?',
        interrupted: false,
        itemId: 'item_a1',
        createdAt: T0 + 500,
      },
      {
        at: T0 + 7050,
        index: 2,
        role: 'user',
        text: 'Where is my order O9002? I am calling from ********00.',
        interrupted: false,
        itemId: 'item_u1',
        createdAt: T0 + 4000,
      },
      {
        at: T0 + 8350,
        index: 3,
        role: 'assistant',
        text: 'Your order O9002 has shipped.',
        interrupted: false,
        itemId: 'item_a2',
        createdAt: T0 + 8350,
      },
    ]);

    // Latency of the one caller turn, from the injected clock and the metrics.
    expect(observer.latencies).toEqual([
      {
        turn: 1,
        endOfSpeechAt: T0 + 7000,
        firstAudioAt: T0 + 8350,
        endOfSpeechToFirstAudioMs: 1350,
        eouDelayMs: 612,
        transcriptionDelayMs: 181,
        ttftMs: 322,
        toolMs: 380,
        toolCalls: 1,
      },
    ]);

    // What the web tester receives.
    expect(publisher.messages.map((message) => message.type)).toEqual([
      'agent_state',
      'agent_state',
      'agent_state',
      'agent_state',
      'tool_call',
      'agent_state',
      'agent_state',
      'latency',
      'call_ended',
    ]);
    expect(publisher.of('agent_state').map((message) => [message.at, message.state])).toEqual([
      [T0, 'listening'],
      [T0 + 500, 'speaking'],
      [T0 + 3000, 'listening'],
      [T0 + 7050, 'thinking'],
      [T0 + 8350, 'speaking'],
      [T0 + 10_000, 'listening'],
    ]);
    expect(publisher.of('tool_call')).toEqual([
      {
        type: 'tool_call',
        v: 1,
        at: T0 + 8000,
        callId: 'call_1',
        name: 'get_order_status',
        args: { order_id: 'O9002' },
        status: 'ok',
        durationMs: 380,
        result: { order_id: 'O9002', order_status: 'Shipped', contact: '**********00' },
      },
    ]);
    expect(publisher.of('latency')).toEqual([
      {
        type: 'latency',
        v: 1,
        at: T0 + 10_000,
        turn: 1,
        eouDelayMs: 612,
        endOfSpeechToFirstAudioMs: 1350,
        ttftMs: 322,
        toolMs: 380,
      },
    ]);
    expect(publisher.of('call_ended')).toEqual([
      { type: 'call_ended', v: 1, at: T0 + 12_000, reason: 'participant_disconnected' },
    ]);
    expect(publisher.flushed).toBe(1);

    // The record on disk: one line per event, in the order they happened.
    const lines = await readCallRecord(recorder.path);
    expect(lines.map((line) => line.type)).toEqual([
      'call_started',
      'turn',
      'turn',
      'tool_call',
      'turn',
      'latency',
      'transcript',
      'call_ended',
    ]);
    expect(lines[0]).toMatchObject({ callerNumberMasked: '**********00', kind: 'sip' });
    expect(lines[3]).toEqual({
      type: 'tool_call',
      at: T0 + 8000,
      turn: 1,
      callId: 'call_1',
      name: 'get_order_status',
      args: { order_id: 'O9002' },
      startedAt: T0 + 7620,
      durationMs: 380,
      status: 'ok',
      result: { order_id: 'O9002', order_status: 'Shipped', contact: '**********00' },
      source: 'toolset',
    });
    expect(lines[5]).toEqual({ type: 'latency', at: T0 + 10_000, ...observer.latencies[0] });
    expect(lines[6]).toEqual({ type: 'transcript', at: T0 + 12_000, turns: observer.turns });
    expect(lines[7]).toEqual({
      type: 'call_ended',
      at: T0 + 12_000,
      reason: 'participant_disconnected',
      durationMs: 12_000,
    });
    expect(JSON.stringify(lines)).not.toMatch(/4155550100|415 555 0100/);

    // Nothing said in the call reaches the log.
    expect(logger.entries).toEqual([]);
    expect(session.listenerCount()).toBe(0);
  });

  it('counts a caller who pauses and goes on as one turn, timed from the last end of speech', async () => {
    clock.now = T0 + 1000;
    session.user('listening', 'speaking');
    clock.now = T0 + 2000;
    session.user('speaking', 'listening');
    clock.now = T0 + 2400;
    session.user('listening', 'speaking');
    clock.now = T0 + 4000;
    session.user('speaking', 'listening');
    session.agent('listening', 'thinking');
    clock.now = T0 + 4700;
    session.agent('thinking', 'speaking');
    clock.now = T0 + 6000;
    session.agent('speaking', 'listening');

    expect(observer.latencies).toEqual([
      {
        turn: 1,
        endOfSpeechAt: T0 + 4000,
        firstAudioAt: T0 + 4700,
        endOfSpeechToFirstAudioMs: 700,
        toolMs: 0,
        toolCalls: 0,
      },
    ]);
  });

  it('closes a turn when the caller barges in, and keeps the cut answer out of the next one', async () => {
    clock.now = T0 + 1000;
    session.user('speaking', 'listening');
    clock.now = T0 + 1800;
    session.agent('thinking', 'speaking');
    session.metrics(realtimeMetrics(250));
    clock.now = T0 + 2500;
    session.user('listening', 'speaking'); // barge-in: turn 1 is over
    session.agent('speaking', 'listening');
    session.message('assistant', 'Your order has', 'item_a1', T0 + 1800, true);
    clock.now = T0 + 3500;
    session.user('speaking', 'listening');
    session.metrics(realtimeMetrics(900, true)); // the interrupted response's metrics, late
    session.metrics(realtimeMetrics(410));
    clock.now = T0 + 4300;
    session.agent('listening', 'speaking');
    clock.now = T0 + 5000;
    session.agent('speaking', 'listening');

    expect(observer.latencies.map((latency) => [latency.turn, latency.ttftMs])).toEqual([
      [1, 250],
      [2, 410],
    ]);
    expect(observer.latencies[1]?.endOfSpeechToFirstAudioMs).toBe(800);
    expect(observer.turns[0]).toMatchObject({ role: 'assistant', interrupted: true });
    expect(publisher.of('latency').map((message) => message.turn)).toEqual([1, 2]);
  });

  it('records a tool the toolset did not report (e.g. ending the call) from the framework event', async () => {
    clock.now = T0 + 1000;
    session.user('speaking', 'listening');
    session.agent('listening', 'thinking');
    session.toolsExecuted(
      [{ callId: 'call_9', name: 'end_call', args: '{"reason":"resolved"}', createdAt: T0 + 1200 }],
      [{ callId: 'call_9', output: 'ending the call', isError: false, createdAt: T0 + 1250 }],
    );
    session.toolsExecuted(
      [{ callId: 'call_10', name: 'transfer', args: 'not json', createdAt: T0 + 1300 }],
      [{ callId: 'call_10', output: 'no agent available', isError: true, createdAt: T0 + 1400 }],
    );
    await observer.end('agent_ended_call');

    const tools = (await readCallRecord(recorder.path)).filter((line) => line.type === 'tool_call');
    expect(tools).toEqual([
      {
        type: 'tool_call',
        at: T0 + 1000,
        turn: 1,
        callId: 'call_9',
        name: 'end_call',
        args: { reason: 'resolved' },
        startedAt: T0 + 1200,
        durationMs: 50,
        status: 'ok',
        result: 'ending the call',
        source: 'framework',
      },
      {
        type: 'tool_call',
        at: T0 + 1000,
        turn: 1,
        callId: 'call_10',
        name: 'transfer',
        args: 'not json',
        startedAt: T0 + 1300,
        durationMs: 100,
        status: 'error',
        error: 'no agent available',
        source: 'framework',
      },
    ]);
    // The unanswered turn is still closed, without a first-audio time.
    expect(observer.latencies).toEqual([
      { turn: 1, endOfSpeechAt: T0 + 1000, toolMs: 150, toolCalls: 2 },
    ]);
    expect(publisher.of('tool_call').map((message) => message.name)).toEqual([
      'end_call',
      'transfer',
    ]);
  });

  it('matches toolset reports to the framework event by name when the ids differ', async () => {
    observer.toolCall({
      callId: 'some-other-id',
      name: 'get_product',
      args: { product_id: 'P1000' },
      startedAt: T0,
      durationMs: 20,
      status: 'ok',
    });
    session.toolsExecuted(
      [{ callId: 'fc_1', name: 'get_product', args: '{}', createdAt: T0 }],
      [{ callId: 'fc_1', output: '{}', isError: false, createdAt: T0 + 20 }],
    );
    expect(publisher.of('tool_call')).toHaveLength(1);
  });

  it("writes the transcript in conversation order when the caller's words came after the answer", async () => {
    // The Realtime model answers before it has transcribed the caller (as OpenAI often does), and
    // the plugin gives the caller's message no start time: the framework dates it on arrival.
    clock.now = T0 + 1000;
    observer.speechStarted('item_u1', T0 + 1000);
    session.user('listening', 'speaking');
    clock.now = T0 + 2500;
    session.user('speaking', 'listening');
    clock.now = T0 + 3000;
    session.agent('listening', 'speaking');
    session.message('assistant', 'Your order has shipped.', 'item_a1', T0 + 3000);
    clock.now = T0 + 4200;
    session.message('user', 'Where is my order 9002?', 'item_u1', T0 + 4200);
    clock.now = T0 + 5000;
    session.agent('speaking', 'listening');
    await observer.end('participant_disconnected');
    const lines = await readCallRecord(recorder.path);
    // The turn lines keep the order they came in...
    expect(lines.filter((line) => line.type === 'turn').map((line) => line.role)).toEqual([
      'assistant',
      'user',
    ]);
    // ...and the transcript at the end has the caller first, where they spoke.
    const transcript = lines.find((line) => line.type === 'transcript');
    expect(transcript?.turns.map((turn) => [turn.role, turn.text, turn.createdAt])).toEqual([
      ['user', 'Where is my order 9002?', T0 + 1000],
      ['assistant', 'Your order has shipped.', T0 + 3000],
    ]);
    expect(lines.at(-1)?.type).toBe('call_ended');
    // Not for the web tester: its page orders the framework's transcription itself.
    expect(publisher.messages.some((message) => message.type === ('transcript' as string))).toBe(
      false,
    );
  });

  it("ends itself on the session's close event, once", async () => {
    clock.now = T0 + 2000;
    session.emit(Event.Close, { reason: 'user_initiated', error: null });
    await observer.end('ignored: already ended');
    expect(observer.ended).toBe(true);
    expect(session.listenerCount()).toBe(0);
    observer.toolCall({
      callId: 'late',
      name: 'get_product',
      args: {},
      startedAt: T0,
      durationMs: 1,
      status: 'ok',
    });
    const lines = await readCallRecord(recorder.path);
    expect(lines.filter((line) => line.type === 'call_ended')).toEqual([
      { type: 'call_ended', at: T0 + 2000, reason: 'user_initiated', durationMs: 2000 },
    ]);
    expect(lines.some((line) => line.type === 'tool_call')).toBe(false);
    expect(publisher.of('call_ended')).toHaveLength(1);
  });

  it('records session errors, logging only what is safe', async () => {
    const error: voice.ErrorEvent['error'] = {
      type: 'realtime_model_error',
      timestamp: T0,
      label: 'openai.realtime.RealtimeModel',
      error: new Error('Invalid value near "my number is +14155550100"'),
      recoverable: true,
    };
    session.emit(Event.Error, { error });
    await observer.end('error');
    const errors = (await readCallRecord(recorder.path)).filter((line) => line.type === 'error');
    expect(errors).toEqual([
      {
        type: 'error',
        at: T0,
        errorType: 'realtime_model_error',
        label: 'openai.realtime.RealtimeModel',
        message: 'Invalid value near "my number is **********00"',
        recoverable: true,
      },
    ]);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        obj: {
          callId: 'SCL_test',
          errorType: 'realtime_model_error',
          label: 'openai.realtime.RealtimeModel',
          recoverable: true,
        },
        msg: 'agent session error',
      },
    ]);
  });

  it('never throws into the session when the recorder or publisher fail', async () => {
    const failing: CallRecorder = {
      path: '/nowhere',
      append: (_entry: CallRecordEntry) => {
        throw new Error('disk gone');
      },
      end: () => Promise.reject(new Error('disk gone')),
      flush: () => Promise.resolve(),
    };
    const brokenPublisher: AgentEventPublisher = {
      publish: () => {
        throw new Error('room gone');
      },
      flush: () => new Promise(() => {}), // never settles
    };
    const otherSession = new FakeSession();
    const other = createCallObserver({
      session: otherSession,
      callId: 'SCL_2',
      publisher: brokenPublisher,
      recorder: failing,
      clock: clock.read,
      logger,
      publishFlushTimeoutMs: 10,
    });
    expect(() => {
      otherSession.user('speaking', 'listening');
      otherSession.agent('listening', 'speaking');
      otherSession.message('user', 'secret words', 'i1', T0);
      otherSession.agent('speaking', 'listening');
    }).not.toThrow();
    expect(() =>
      other.toolCall({
        callId: 'c',
        name: 'get_product',
        args: {},
        startedAt: T0,
        durationMs: 1,
        status: 'ok',
      }),
    ).not.toThrow();
    await expect(other.end('room_closed')).resolves.toBe(undefined);
    expect(logger.at('error').map((entry) => entry.msg)).toContain('call record append failed');
    expect(logger.at('error').map((entry) => entry.msg)).toContain('call record end failed');
    expect(logger.at('warn').map((entry) => entry.msg)).toContain('agent event publish failed');
    expect(logger.at('warn').map((entry) => entry.msg)).toContain(
      'agent events not all sent before the call ended',
    );
    expect(logger.dump()).not.toContain('secret words');
  });

  it('works without a publisher (nobody watching)', async () => {
    const otherSession = new FakeSession();
    const quiet = createCallObserver({
      session: otherSession,
      callId: 'SCL_test',
      recorder,
      clock: clock.read,
      logger,
    });
    otherSession.user('speaking', 'listening');
    clock.now = T0 + 900;
    otherSession.agent('thinking', 'speaking');
    otherSession.agent('speaking', 'listening');
    await quiet.end('done');
    expect(quiet.latencies[0]?.endOfSpeechToFirstAudioMs).toBe(900);
  });
});
