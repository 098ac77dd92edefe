// The agent as it runs in a call, minus the room: our prompt and tools, the real RealtimeModel
// talking to the Realtime emulator through OPENAI_BASE_URL's stand-in, the real MCP server.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpApp, createLiveStore, type LiveStore } from '@ecommerce-voicebot/mcp';
import {
  createRealtimeEmulator,
  loadScenarioFile,
  SCENARIOS_DIR,
  type RealtimeEmulator,
} from '@ecommerce-voicebot/realtime-emulator';
import type { llm } from '@livekit/agents';
import { initializeLogger, voice } from '@livekit/agents';
import {
  type GuardedSession,
  type McpToolCallEvent,
  buildInstructions,
  createCallGuard,
  createDtmfCollector,
  createEndCallTool,
  createMcpToolset,
  createRealtimeModel,
  createSupportAgent,
  loadConfig,
  typedInput,
} from '@ecommerce-voicebot/agent';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));
const SCENARIO = join(SCENARIOS_DIR, 'support-call.json');
const TOKEN = 'agent-test-token-0123456789';
const silent = pino({ level: 'silent' });

let store: LiveStore;
let mcpServer: Server;
let mcpUrl: string;
let closeMcp: () => Promise<void>;
let emulator: RealtimeEmulator;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  initializeLogger({ pretty: false, level: 'warn' });
  store = await createLiveStore({ dir: DATA_DIR, defaultCountry: 'US', logger: silent });
  const http = createHttpApp({ store, logger: silent, authToken: TOKEN, defaultCountry: 'US' });
  mcpServer = http.app.listen(0, '127.0.0.1');
  await once(mcpServer, 'listening');
  mcpUrl = `http://127.0.0.1:${(mcpServer.address() as AddressInfo).port}/mcp`;
  closeMcp = http.close;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await closeMcp();
  mcpServer.close();
  store.close();
});

async function startCall(
  options: { callerNumber?: string; model?: string; turnDetection?: 'vad' | 'server' } = {},
) {
  emulator = await createRealtimeEmulator({
    scenario: { ...(await loadScenarioFile(SCENARIO)), audioPacing: 'fast' },
    logger: silent,
  });
  cleanups.push(() => emulator.close());
  const config = loadConfig({
    AGENT_MODE: 'offline',
    OPENAI_BASE_URL: emulator.url,
    MCP_URL: mcpUrl,
    MCP_AUTH_TOKEN: TOKEN,
    ...(options.model ? { REALTIME_MODEL: options.model } : {}),
    ...(options.turnDetection ? { TURN_DETECTION: options.turnDetection } : {}),
  });
  const toolCalls: McpToolCallEvent[] = [];
  const toolset = createMcpToolset({
    connection: config.mcp,
    callerNumber: options.callerNumber,
    logger: silent,
    onToolCall: (event) => toolCalls.push(event),
  });
  const session = new voice.AgentSession({ llm: createRealtimeModel(config) });
  const agent = createSupportAgent({
    instructions: buildInstructions({ canTransfer: false }),
    tools: [toolset, createEndCallTool()],
    greet: false,
  });
  await session.start({ agent });
  cleanups.push(() => session.close());
  return { session, toolCalls, toolset };
}

/** `turn_detection` from a session.update in either dialect; undefined when it is not set. */
function turnDetectionOf(event: Record<string, unknown>): unknown {
  const session = event.session as
    { turn_detection?: unknown; audio?: { input?: { turn_detection?: unknown } } } | undefined;
  const input = session?.audio?.input;
  if (input !== undefined && 'turn_detection' in input) return input.turn_detection;
  return session?.turn_detection;
}

function outputsOf(name: string) {
  return emulator
    .sessions()
    .flatMap((info) => info.functionCallOutputs.filter((output) => output.name === name));
}

describe('the support agent against the Realtime emulator and the real MCP server', () => {
  it('sends our prompt and the MCP tools in session.update', async () => {
    await startCall();
    // The MCP tools arrive once the toolset has connected: a later session.update.
    await emulator.waitFor(
      (event) =>
        event.type === 'session.update' && ((event.event.session as any).tools?.length ?? 0) > 1,
      10_000,
    );
    const updates = emulator.events
      .filter((event) => event.type === 'session.update')
      .map((event) => event.event.session as any);
    const instructions = updates.map((update) => update.instructions).find(Boolean) as string;
    expect(instructions).toContain('Never state an order, delivery, tracking, product, price');
    const tools = updates
      .flatMap((update) => update.tools ?? [])
      .map((tool: { name: string }) => tool.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        'get_order_status',
        'get_customer_orders',
        'verify_customer',
        'end_call',
      ]),
    );
    expect(tools).not.toContain('transfer_to_human');
  });

  it('asks the model to end turns with server VAD after 300 ms of silence by default', async () => {
    await startCall();
    const sent = await emulator.waitFor(
      (event) => event.type === 'session.update' && turnDetectionOf(event.event) !== undefined,
      10_000,
    );
    expect(turnDetectionOf(sent.event)).toMatchObject({
      type: 'server_vad',
      silence_duration_ms: 300,
      create_response: true,
      interrupt_response: true,
    });
  });

  it("turns the model's turn detection off when the local VAD ends turns", async () => {
    await startCall({ turnDetection: 'vad' });
    const sent = await emulator.waitFor(
      (event) => event.type === 'session.update' && turnDetectionOf(event.event) !== undefined,
      10_000,
    );
    expect(turnDetectionOf(sent.event)).toBeNull();
  });

  it('looks an order up with get_order_status and gives the model the real result', async () => {
    const { session, toolCalls } = await startCall();
    const result = await session.run({ userInput: 'Hi, where is my order 9002?' }).wait();
    result.expect.containsFunctionCall({ name: 'get_order_status', args: { order_id: '9002' } });
    await session.waitForIdle();

    const [output] = outputsOf('get_order_status');
    expect(output).toBeDefined();
    const delivered = JSON.parse(output!.output) as {
      summary: string;
      data: { order: Record<string, unknown> };
    };
    expect(delivered.data.order).toMatchObject({
      order_id: 'O9002',
      order_status: 'Shipped',
      delivery_status: 'Out for Delivery',
      tracking_number: 'TRK10002',
    });
    expect(delivered.summary).toMatch(/^Order O9002/);
    expect(toolCalls).toEqual([
      expect.objectContaining({ name: 'get_order_status', status: 'ok' }),
    ]);
    const said = session.history.items.filter(
      (item): item is llm.ChatMessage => item.type === 'message' && item.role === 'assistant',
    );
    expect(said.at(-1)?.textContent).toBe(delivered.summary);
  });

  it('treats digits typed on the keypad as the caller input', async () => {
    const { session } = await startCall();
    const dtmf = createDtmfCollector({
      onSubmit: (digits) => session.generateReply({ userInput: typedInput(digits) }),
    });
    for (const key of '9001#') dtmf.press(key);
    await emulator.waitFor(
      (event) =>
        event.type === 'conversation.item.create' &&
        JSON.stringify(event.event).includes('function_call_output'),
      10_000,
    );
    await session.waitForIdle();
    const userTexts = emulator.events
      .filter((event) => event.type === 'conversation.item.create')
      .map((event) => JSON.stringify(event.event));
    expect(userTexts.some((text) => text.includes('The caller typed: 9001'))).toBe(true);
    expect(JSON.parse(outputsOf('get_order_status')[0]!.output).data.order.order_id).toBe('O9001');
  });

  it("answers 'my orders' for a caller calling from the number on file, and refuses an unknown number", async () => {
    const known = await startCall({ callerNumber: '+14155550100' });
    await known.session.run({ userInput: 'What are my orders?' }).wait();
    await known.session.waitForIdle();
    expect(JSON.parse(outputsOf('get_customer_orders')[0]!.output).data).toMatchObject({
      status: 'found',
      customer_id: 'C5000',
    });

    const unknown = await startCall({ callerNumber: '+12025550199' });
    await unknown.session.run({ userInput: 'What are my orders?' }).wait();
    await unknown.session.waitForIdle();
    expect(JSON.parse(outputsOf('get_customer_orders')[0]!.output).data).toEqual({
      status: 'verification_required',
    });
  });

  it('says goodbye and then ends the session when the model calls end_call', async () => {
    const { session } = await startCall();
    const closed = new Promise<{ reason: string }>((resolve) =>
      session.on(voice.AgentSessionEventTypes.Close, resolve),
    );
    await session.run({ userInput: "That's all, goodbye!" }).wait();
    const event = await Promise.race([
      closed,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
    ]);
    expect(event).toBeDefined();
    const said = session.history.items.filter(
      (item): item is llm.ChatMessage => item.type === 'message' && item.role === 'assistant',
    );
    expect(said.at(-1)?.textContent).toBe('Thanks for calling. Goodbye!');
  });

  it('works with gpt-4o-realtime-preview too', async () => {
    const { session } = await startCall({ model: 'gpt-4o-realtime-preview' });
    const result = await session.run({ userInput: 'order 9000 please' }).wait();
    result.expect.containsFunctionCall({ name: 'get_order_status', args: { order_id: '9000' } });
    await session.waitForIdle();
    expect(emulator.sessions()[0]?.model).toBe('gpt-4o-realtime-preview');
  });
});

describe('when the model connection fails', () => {
  it('survives a refused connection, and the call guard hands over to the recorded apology', async () => {
    const { guardModelConnectionErrors } = await import('@ecommerce-voicebot/agent');
    const unguard = guardModelConnectionErrors(silent);
    cleanups.push(async () => unguard());
    emulator = await createRealtimeEmulator({
      scenario: await loadScenarioFile(SCENARIO),
      logger: silent,
    });
    cleanups.push(() => emulator.close());
    emulator.refuseConnections(true);
    const config = loadConfig({
      AGENT_MODE: 'offline',
      OPENAI_BASE_URL: emulator.url,
      MCP_URL: mcpUrl,
      MCP_AUTH_TOKEN: TOKEN,
    });
    const session = new voice.AgentSession({ llm: createRealtimeModel(config) });
    let modelLost = false;
    const guard = createCallGuard({
      session: session as unknown as GuardedSession,
      maxCallSeconds: 900,
      replyTimeoutMs: 1_500,
      hangUp: async () => {},
      onModelLost: async () => void (modelLost = true),
    });
    cleanups.push(async () => guard.stop());
    await session.start({
      agent: createSupportAgent({ instructions: 'test', tools: [], greet: true }),
    });
    cleanups.push(() => session.close());
    const deadline = Date.now() + 10_000;
    while (!modelLost && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // The greeting never came (the model is unreachable): after one nudge the fallback ran,
    // and this process is still alive to run it.
    expect(modelLost).toBe(true);
    expect(emulator.sessions()).toHaveLength(0);
  }, 20_000);

  // Known limitation (agents 1.9): after the plugin reconnects a dropped model connection the
  // session skips the next turn ("speech scheduling is paused"). What we guarantee is that the
  // caller is then handed to the recorded fallback instead of being left in silence.
  it('after a dropped model connection the caller is answered or handed to the fallback, never left in silence', async () => {
    const { session } = await startCall();
    let modelLost = false;
    const guard = createCallGuard({
      session: session as unknown as GuardedSession,
      maxCallSeconds: 900,
      replyTimeoutMs: 2_000,
      hangUp: async () => {},
      onModelLost: async () => void (modelLost = true),
    });
    cleanups.push(async () => guard.stop());
    await session.run({ userInput: 'order 9002' }).wait();
    await session.waitForIdle();
    emulator.dropConnections();
    // The plugin reconnects and replays the session: wait for the new connection's tools.
    await emulator.waitFor(
      (event) =>
        event.type === 'session.update' &&
        emulator.sessions().length > 1 &&
        ((event.event.session as any).tools?.length ?? 0) > 0,
      15_000,
    );
    await session.waitForIdle();
    session.generateReply({ userInput: 'and order 9000?' });
    guard.expectReply();
    const deadline = Date.now() + 15_000;
    const answered = () =>
      outputsOf('get_order_status').some((output) => output.output.includes('O9000'));
    while (!answered() && !modelLost && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered() || modelLost).toBe(true);
  }, 40_000);
});
