// The real @livekit/agents-plugin-openai RealtimeModel, unchanged, against the emulator.
import { initializeLogger, llm, voice, type metrics } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { AudioFrame } from '@livekit/rtc-node';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { concatPcm16, silence, tone } from './audio.js';
import { parseClientEvent } from './client-events.js';
import type { ScenarioInput } from './scenario.js';
import {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RecordedClientEvent,
} from './server.js';

const SCENARIO: ScenarioInput = {
  name: 'plugin-test',
  audioPacing: 'fast',
  greeting: { say: 'Welcome to the offline store line.' },
  rules: [
    {
      id: 'order',
      match: { text: '(?:order|typed:?)\\D*(\\d{3,})' },
      function_call: { name: 'lookup_order', arguments: { order_id: '$1' } },
      say: 'Order $1 is {{output.status}} and arrives {{output.eta}}.',
    },
    { match: { turn: 0 }, transcript: 'where is order 9002' },
    { match: { any: true }, say: 'Could you give me your order number?' },
  ],
};

const ORDER_RESULT = { order_id: '9002', status: 'shipped', eta: 'on Tuesday' };

let emulator: RealtimeEmulator;
const cleanups: Array<() => Promise<void>> = [];
/** Every client event the real plugin sent in this file, with its connection's dialect. */
const pluginEvents: Array<RecordedClientEvent & { dialect: 'ga' | 'beta' }> = [];
/** Error codes the plugin is known to provoke and ignores (a cancel racing the response's end). */
const TOLERATED_ERRORS = new Set(['response_cancel_not_active', 'session_expired']);

/**
 * The plugin's events must pass the emulator's validator (tied to the openai types), and the
 * emulator must not have refused any of them.
 */
function checkPluginEvents(em: RealtimeEmulator): void {
  const dialects = new Map(em.sessions().map((s) => [s.id, s.dialect]));
  for (const rec of em.events) {
    const dialect = dialects.get(rec.sessionId) ?? 'ga';
    pluginEvents.push({ ...rec, dialect });
    const result = parseClientEvent(dialect, rec.event);
    expect(result.success, `${rec.type}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
  }
  const errors = em.serverEvents
    .filter((e) => e.type === 'error')
    .map((e) => e.event.error as { code: string | null; message: string });
  expect(errors.filter((e) => !TOLERATED_ERRORS.has(String(e.code)))).toEqual([]);
}

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'warn' });
});

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function startEmulator(maxSessionMs?: number): Promise<RealtimeEmulator> {
  const em = await createRealtimeEmulator({
    scenario: SCENARIO,
    logger: pino({ level: 'silent' }),
    ...(maxSessionMs !== undefined ? { maxSessionMs } : {}),
  });
  emulator = em;
  cleanups.push(async () => {
    await em.close();
    checkPluginEvents(em);
  });
  return em;
}

function orderAgent(calls: string[], greet = false): voice.Agent {
  class OrderAgent extends voice.Agent {
    override async onEnter(): Promise<void> {
      if (greet) this.session.generateReply({ instructions: 'Greet the caller.' });
    }
  }
  return new OrderAgent({
    instructions: 'You are the store voice assistant. Use lookup_order for order questions.',
    tools: {
      lookup_order: llm.tool({
        description: 'Look up an order by its number',
        parameters: z.object({ order_id: z.string().describe('The order number') }),
        execute: async ({ order_id }) => {
          calls.push(order_id);
          return ORDER_RESULT;
        },
      }),
    },
  });
}

async function startSession(model: string | openai.realtime.RealtimeModel, agent: voice.Agent) {
  const session = new voice.AgentSession({
    llm:
      typeof model === 'string'
        ? new openai.realtime.RealtimeModel({ baseURL: emulator.url, apiKey: 'test', model })
        : model,
  });
  const realtimeMetrics: metrics.RealtimeModelMetrics[] = [];
  session.on(voice.AgentSessionEventTypes.MetricsCollected, (ev) => {
    if (ev.metrics.type === 'realtime_model_metrics') realtimeMetrics.push(ev.metrics);
  });
  await session.start({ agent });
  cleanups.push(() => session.close());
  return { session, realtimeMetrics };
}

function assistantTexts(session: voice.AgentSession): string[] {
  return session.history.items
    .filter((i): i is llm.ChatMessage => i.type === 'message' && i.role === 'assistant')
    .map((m) => m.textContent ?? '');
}

async function orderFlow(makeModel: string | (() => openai.realtime.RealtimeModel)) {
  await startEmulator();
  const model = typeof makeModel === 'string' ? makeModel : makeModel();
  const calls: string[] = [];
  const { session, realtimeMetrics } = await startSession(model, orderAgent(calls));

  const result = await session.run({ userInput: 'where is order 9002' }).wait();
  result.expect.containsFunctionCall({ name: 'lookup_order', args: { order_id: '9002' } });
  result.expect.containsFunctionCallOutput({ isError: false });
  await session.waitForIdle();

  // The scenario's function call was executed by the framework with the scenario's arguments.
  expect(calls).toEqual(['9002']);

  // session.update carried the tool with its JSON schema.
  const toolsUpdate = emulator.events.find(
    (e) =>
      e.type === 'session.update' &&
      Array.isArray((e.event.session as any).tools) &&
      (e.event.session as any).tools.length > 0,
  );
  expect((toolsUpdate?.event.session as any).tools[0]).toMatchObject({
    type: 'function',
    name: 'lookup_order',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
  });

  // The emulator received the tool's real return value as function_call_output.
  const info = emulator.sessions()[0]!;
  expect(info.functionCallOutputs).toHaveLength(1);
  const out = info.functionCallOutputs[0]!;
  expect(out.name).toBe('lookup_order');
  expect(out.callId).toBe(info.functionCalls[0]!.callId);
  expect(JSON.parse(out.output)).toEqual(ORDER_RESULT);

  // The answer that followed the tool output is in the chat history.
  expect(assistantTexts(session)).toContain('Order 9002 is shipped and arrives on Tuesday.');
  expect(info.responses.map((r) => r.source)).toEqual(['rule', 'tool_reply']);
  expect(info.responses.every((r) => r.clientEventId?.startsWith('response_create_'))).toBe(true);

  // Usage from response.done reached the framework's metrics.
  expect(realtimeMetrics.length).toBeGreaterThanOrEqual(2);
  expect(realtimeMetrics.every((m) => m.totalTokens > 0 && !m.cancelled)).toBe(true);
  return { info, session };
}

describe('OpenAI Realtime plugin against the emulator', () => {
  it('gpt-realtime: tool call round trip through voice.AgentSession', async () => {
    const { info } = await orderFlow('gpt-realtime');
    expect(info).toMatchObject({ dialect: 'ga', model: 'gpt-realtime', openaiBeta: null });
    expect(info.auth.bearer).toBe(true);
    expect(info.path).toBe('/v1/realtime?model=gpt-realtime');
    expect(info.config.instructions).toMatch(/store voice assistant/);
  });

  it('gpt-4o-realtime-preview: same GA protocol, model in the query', async () => {
    const { info } = await orderFlow('gpt-4o-realtime-preview');
    expect(info).toMatchObject({
      dialect: 'ga',
      model: 'gpt-4o-realtime-preview',
      openaiBeta: null,
    });
    expect(info.config.model).toBe('gpt-4o-realtime-preview');
  });

  it('greets via generateReply(instructions) in onEnter', async () => {
    await startEmulator();
    const { session } = await startSession('gpt-realtime', orderAgent([], true));
    await emulator.waitFor((e) => e.type === 'response.create');
    await session.waitForIdle();
    const greeting = emulator.sessions()[0]!.responses[0]!;
    expect(greeting).toMatchObject({ source: 'greeting', status: 'completed' });
    expect(greeting.instructions).toMatch(/Greet the caller\.$/);
    expect(assistantTexts(session)).toEqual(['Welcome to the offline store line.']);
  });

  it('reconnects after dropped connections and replays the session and history', async () => {
    await startEmulator();
    const calls: string[] = [];
    const { session } = await startSession('gpt-realtime', orderAgent(calls));
    await session.run({ userInput: 'The caller typed: 9002' }).wait();
    await session.waitForIdle();
    const first = emulator.sessions()[0]!;
    const historyIds = first.conversation.filter((i) => i.type === 'message').map((i) => i.id);

    emulator.dropConnections();
    const replayed = await emulator.waitFor(
      (e) => e.sessionId !== first.id && e.type === 'conversation.item.create',
    );
    const second = emulator.sessions().find((s) => s.id === replayed.sessionId)!;
    await expect
      .poll(() => emulator.sessions().find((s) => s.id === second.id)!.conversation.length)
      .toBe(historyIds.length);
    const now = emulator.sessions().find((s) => s.id === second.id)!;
    expect(now.conversation.map((i) => i.id)).toEqual(historyIds);
    expect(now.config.tools.map((t) => t.name)).toEqual(['lookup_order']);
    expect(now.config.instructions).toMatch(/store voice assistant/);
    expect(emulator.sessions()[0]!.open).toBe(false);
  });

  it('session.interrupt() cancels the streaming response', async () => {
    await startEmulator();
    emulator.setScenario({
      ...SCENARIO,
      audioPacing: 'realtime',
      greeting: {
        say: 'This greeting is long enough to be interrupted while it is still streaming.',
      },
    });
    const { session } = await startSession('gpt-realtime', new voice.Agent({ instructions: 'x' }));
    const speaking = new Promise<void>((resolve) =>
      session.on(voice.AgentSessionEventTypes.AgentStateChanged, (ev) => {
        if (ev.newState === 'speaking') resolve();
      }),
    );
    const handle = session.generateReply({ instructions: 'Greet the caller.' });
    // Interrupting in the instant between response.created and the framework picking up the
    // generation sends no response.cancel (a framework race, see README): wait until speaking.
    await speaking;
    await session.interrupt().await;
    await handle.waitForPlayout();
    await emulator.waitFor((e) => e.type === 'response.cancel');
    const deleted = await emulator.waitFor((e) => e.type === 'conversation.item.delete');
    const response = emulator.sessions()[0]!.responses[0]!;
    expect(response).toMatchObject({ status: 'cancelled', cancelReason: 'client_cancelled' });
    expect(response.deliveredText.length).toBeLessThan(response.text!.length);
    // Nothing was played (no audio output), so the plugin deletes the item instead of truncating.
    const assistantItem = emulator.serverEvents.find(
      (e) => e.type === 'response.output_item.added',
    )!;
    expect(deleted.event.item_id).toBe((assistantItem.event.item as any).id);
    expect(handle.interrupted).toBe(true);
  });

  it('server VAD + input transcription reach the RealtimeSession', async () => {
    await startEmulator();
    const model = new openai.realtime.RealtimeModel({
      baseURL: emulator.url,
      apiKey: 'test',
      turnDetection: {
        type: 'server_vad',
        threshold: 0.5,
        prefix_padding_ms: 100,
        silence_duration_ms: 300,
        create_response: true,
        interrupt_response: true,
      },
    });
    const rt = model.session();
    cleanups.push(() => rt.close());
    const seen: string[] = [];
    rt.on('input_speech_started', () => seen.push('speech_started'));
    rt.on('input_speech_stopped', () => seen.push('speech_stopped'));
    const finalTranscript = new Promise<string>((resolve) => {
      rt.on('input_audio_transcription_completed', (ev: llm.InputTranscriptionCompleted) => {
        if (ev.isFinal) resolve(ev.transcript);
      });
    });
    const generation = new Promise<llm.GenerationCreatedEvent>((resolve) =>
      rt.on('generation_created', resolve),
    );

    const pcm = concatPcm16([silence(300), tone(220, 600, 0.25), silence(500)]);
    for (let i = 0; i < pcm.length; i += 240) {
      const frame = pcm.slice(i, i + 240);
      rt.pushAudio(new AudioFrame(frame, 24000, 1, frame.length));
    }

    expect(await finalTranscript).toBe('where is order 9002');
    const gen = await generation;
    expect(gen.userInitiated).toBe(false);
    // The transcript matched the order rule, so the model asked for the tool.
    const calls: llm.FunctionCall[] = [];
    for await (const call of gen.functionStream) calls.push(call);
    expect(calls.map((c) => [c.name, JSON.parse(c.args)])).toEqual([
      ['lookup_order', { order_id: '9002' }],
    ]);
    expect(seen).toEqual(['speech_started', 'speech_stopped']);
  });

  it('legacy Azure (api-version: the beta protocol): tool call round trip', async () => {
    const { info } = await orderFlow(() =>
      openai.realtime.RealtimeModel.withAzure({
        baseURL: emulator.url,
        apiKey: 'test',
        apiVersion: '2024-10-01-preview',
        azureDeployment: 'gpt-4o-realtime-preview',
      }),
    );
    expect(info).toMatchObject({ dialect: 'beta', model: 'gpt-4o-realtime-preview' });
    // The beta session.update has both modalities: allowed there, unlike GA.
    expect(info.config.outputModalities).toEqual(['text', 'audio']);
  });

  it('Azure GA (no api-version): tool call round trip', async () => {
    const { info } = await orderFlow(() =>
      openai.realtime.RealtimeModel.withAzure({
        baseURL: emulator.url,
        apiKey: 'test',
        azureDeployment: 'gpt-realtime',
      }),
    );
    expect(info).toMatchObject({ dialect: 'ga', model: 'gpt-realtime' });
    expect(info.auth.apiKeyHeader).toBe(true);
  });

  it('reconnects after session_expired and the close at the session limit', async () => {
    await startEmulator(1500);
    await startSession('gpt-realtime', orderAgent([]));
    const first = (await emulator.waitFor((e) => e.type === 'session.update')).sessionId;
    await emulator.waitForServerEvent(
      (e) => e.type === 'error' && (e.event.error as { code: string }).code === 'session_expired',
      4000,
    );
    const replayed = await emulator.waitFor(
      (e) => e.sessionId !== first && e.type === 'session.update',
      5000,
    );
    expect(emulator.sessions().find((s) => s.id === first)!.open).toBe(false);
    await expect
      .poll(() => emulator.sessions().find((s) => s.id === replayed.sessionId)!.config.instructions)
      .toMatch(/store voice assistant/);
  });

  it('every client event the plugin sent validates against the openai-typed schemas', () => {
    // Filled by checkPluginEvents after each test above (the test order is the file order).
    const types = new Set(pluginEvents.map((e) => `${e.dialect} ${e.type}`));
    for (const type of [
      'ga session.update',
      'ga input_audio_buffer.append',
      'ga conversation.item.create',
      'ga conversation.item.delete',
      'ga response.create',
      'ga response.cancel',
      'beta session.update',
      'beta conversation.item.create',
      'beta response.create',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const rec of pluginEvents) {
      expect(parseClientEvent(rec.dialect, rec.event).success, rec.type).toBe(true);
    }
  });
});
