// The toolset against the real MCP server: in-process over Streamable HTTP, spawned over stdio.
// The cases that need no server (a hand-written client) are the agent's: agent/src/mcp/toolset.test.ts.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { initializeLogger, llm, voice } from '@livekit/agents';
import { createHttpApp, createLiveStore, type LiveStore } from '@ecommerce-voicebot/mcp';
import { freePort } from '@ecommerce-voicebot/testkit';
import {
  type McpConnection,
  type McpToolsetOptions,
  TIMEOUT_MESSAGE,
  UNAVAILABLE_MESSAGE,
  createMcpToolset,
} from '@ecommerce-voicebot/agent';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  driveToolset,
  recordingLogger,
  type DrivenToolset,
} from '@ecommerce-voicebot/agent/testing';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = fileURLToPath(new URL('../../../data', import.meta.url));
const TOKEN = 'agent-test-token-0123456789';
const ANA_PHONE = '+14155550100';
const PERSONAL = [/O900\d/i, /\+?1?\s*\(?415\)?[\s-]*555/, /ana\.garcia/i, /TRK1000/, /P1000/];
const EVENT_KEYS = [
  'callId',
  'name',
  'args',
  'startedAt',
  'durationMs',
  'status',
  'result',
  'error',
];

const silent = pino({ level: 'silent' });
let live: LiveStore;

/** The MCP HTTP app behind a plain http server that can be slowed down, stopped and restarted. */
class TestServer {
  delayMs = 0;
  port = 0;
  #server: Server | undefined;
  #app: ReturnType<typeof createHttpApp> | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  async start(port = this.port): Promise<this> {
    // A fresh app each time: a restarted server knows none of the old sessions.
    const app = createHttpApp({
      store: live,
      logger: silent,
      authToken: TOKEN,
      defaultCountry: 'US',
    });
    const server = createServer((req, res) => {
      const delay = this.delayMs;
      if (delay === 0 || req.method !== 'POST') return void app.app(req, res);
      setTimeout(() => {
        if (!req.socket.destroyed) app.app(req, res);
      }, delay);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    this.#app = app;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.#app?.close();
  }
}

type Harness = DrivenToolset;

const harnesses: Harness[] = [];
const servers: TestServer[] = [];

async function startServer(): Promise<TestServer> {
  const server = await new TestServer().start();
  servers.push(server);
  return server;
}

function httpConnection(server: TestServer): McpConnection {
  return { type: 'http', url: server.url, authToken: TOKEN };
}

function stdioConnection(): McpConnection {
  return {
    type: 'stdio',
    command: 'npx',
    args: ['tsx', 'mcp/src/main.ts', '--stdio', '--data', 'data', '--no-watch'],
    cwd: ROOT,
    env: { LOG_LEVEL: 'warn' },
    stderr: 'ignore',
  };
}

/** The toolset driven as the framework drives it (setup, then tools' execute). */
function harness(
  options: Partial<McpToolsetOptions> & Pick<McpToolsetOptions, 'connection'>,
): Promise<Harness> {
  // These are tests of the tools against the server, not of the agent's start: setup waits for the
  // first connection as long as it may take (the agent's default gives up waiting after 500 ms).
  return driveToolset({ setupWaitMs: 20_000, ...options }, (h) => harnesses.push(h));
}

async function toolError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => new Error('expected a ToolError'),
    (thrown: unknown) => thrown as Error,
  );
  expect(error, error.message).toBeInstanceOf(llm.ToolError);
  return error;
}

async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  live = await createLiveStore({ dir: DATA, logger: silent, defaultCountry: 'US', watch: false });
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.toolset.aclose();
    // Privacy: tool names, statuses and durations only; never arguments, numbers or results.
    for (const line of h.lines) for (const pattern of PERSONAL) expect(line).not.toMatch(pattern);
    for (const event of h.events)
      expect(Object.keys(event).every((key) => EVENT_KEYS.includes(key))).toBe(true);
  }
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

afterAll(() => live.close());

describe('MCP toolset over Streamable HTTP', () => {
  it('lists the tools with their JSON schemas and answers with summary and data', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server) });
    expect(h.toolset.status()).toBe('connected');
    expect(h.statuses).toEqual(['connected']);
    expect(h.toolset.tools).toHaveLength(h.tools().size);
    const orderStatus = h.tools().get('get_order_status')!;
    expect(orderStatus.description).toMatch(/order/i);
    const schema = orderStatus.parameters as Record<string, any>;
    expect(schema).not.toHaveProperty('$schema');
    expect(schema).toMatchObject({ type: 'object', required: ['order_id'] });
    expect(schema.properties.order_id).toMatchObject({ type: 'string' });
    for (const tool of h.tools().values()) expect(tool.parameters).not.toHaveProperty('$schema');
    expect([...h.tools().keys()]).toEqual(
      expect.arrayContaining(['get_customer_orders', 'verify_customer', 'get_delivery_status']),
    );

    const result = (await h.call('get_order_status', { order_id: 'o-9002' })) as any;
    expect(result.summary).toMatch(/^Order O9002/);
    expect(result.data).toMatchObject({
      status: 'found',
      order: {
        order_id: 'O9002',
        order_status: 'Shipped',
        delivery_status: 'Out for Delivery',
        tracking_number: 'TRK10002',
      },
    });
    expect(h.events).toEqual([
      {
        callId: 'call_1',
        name: 'get_order_status',
        args: { order_id: 'o-9002' },
        startedAt: expect.any(Number),
        durationMs: expect.any(Number),
        status: 'ok',
        result: result.data,
      },
    ]);
    expect(h.lines.some((line) => /get_order_status/.test(line) && /"ok"/.test(line))).toBe(true);
  });

  it('sends the trusted caller number, which verifies the caller for this session only', async () => {
    const server = await startServer();
    const [ana, anonymous] = await Promise.all([
      harness({ connection: httpConnection(server), callerNumber: ANA_PHONE }),
      harness({ connection: httpConnection(server) }),
    ]);
    const orders = (await ana.call('get_customer_orders')) as any;
    expect(orders.data).toMatchObject({ status: 'found', customer_id: 'C5000', total_orders: 3 });
    expect(orders.data.orders.map((order: any) => order.order_id).sort()).toEqual([
      'O9000',
      'O9001',
      'O9002',
    ]);
    expect(((await anonymous.call('get_customer_orders')) as any).data).toEqual({
      status: 'verification_required',
    });
    // The model cannot claim a number: unknown arguments do not verify anybody.
    expect(
      ((await anonymous.call('get_customer_orders', { customer_id: 'C5000' })) as any).data,
    ).toEqual({ status: 'verification_required' });
  });

  it('sends a caller number only in E.164 form, and a bad one does not break the toolset', async () => {
    const server = await startServer();
    const [formatted, bad] = await Promise.all([
      harness({ connection: httpConnection(server), callerNumber: '+1 (415) 555-0100' }),
      harness({ connection: httpConnection(server), callerNumber: 'anonymous' }),
    ]);
    expect(((await formatted.call('get_customer_orders')) as any).data.customer_id).toBe('C5000');
    expect(bad.toolset.status()).toBe('connected');
    expect(((await bad.call('get_customer_orders')) as any).data).toEqual({
      status: 'verification_required',
    });
    expect(bad.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringMatching(/not in E\.164 form/),
    ]);
    expect(bad.lines.join('\n')).not.toMatch(/anonymous/);
  });

  it('turns a tool error from the server into a ToolError for the model', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server) });
    const error = await toolError(h.call('get_order_status', { order_id: 'P1000' }));
    expect(error.message).toMatch(/order/i);
    expect(error.message).not.toMatch(/P1000/);
    expect(h.events[0]).toMatchObject({ status: 'error', error: error.message });
    expect(h.events[0]).not.toHaveProperty('result');
  });

  it('gives up on a slow answer after toolTimeoutMs and keeps the session', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server), toolTimeoutMs: 150 });
    server.delayMs = 1_000;
    const started = performance.now();
    const error = await toolError(h.call('get_order_status', { order_id: 'O9002' }));
    expect(performance.now() - started).toBeLessThan(900);
    expect(error.message).toBe(TIMEOUT_MESSAGE);
    expect(h.events[0]).toMatchObject({ status: 'timeout', error: TIMEOUT_MESSAGE });
    server.delayMs = 0;
    expect(await h.call('get_order_status', { order_id: 'O9002' })).toMatchObject({
      data: { status: 'found' },
    });
    expect(h.toolset.status()).toBe('connected');
  });

  it('stops when the framework aborts the call', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server) });
    server.delayMs = 1_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await toolError(
      h.call('get_order_status', { order_id: 'O9002' }, controller.signal),
    );
    expect(error.message).toMatch(/cancelled/);
    expect(h.events[0]?.status).toBe('error');
  });

  it('refuses the 4th identical call but allows different arguments', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server) });
    await h.call('get_order_status', { order_id: 'O9002' });
    await h.call('get_order_status', { order_id: ' o9002' });
    await h.call('get_order_status', { order_id: 'O9002' });
    const error = await toolError(h.call('get_order_status', { order_id: 'O9002' }));
    expect(error.message).toMatch(/get_order_status.*3 times.*Do not call it again/s);
    expect(await h.call('get_order_status', { order_id: 'O9001' })).toMatchObject({
      data: { status: 'found' },
    });
    expect(await h.call('get_return_status', { order_id: 'O9002' })).toMatchObject({
      data: expect.any(Object),
    });
    expect(h.events.map((event) => event.status)).toEqual([
      'ok',
      'ok',
      'ok',
      'blocked',
      'ok',
      'ok',
    ]);
    expect(h.events[3]).toMatchObject({ error: error.message });
  });

  it('does not fail setup when the server is down, and adds the tools once it is up', async () => {
    const port = await freePort();
    const h = await harness({
      connection: { type: 'http', url: `http://127.0.0.1:${port}/mcp`, authToken: TOKEN },
    });
    expect(h.toolset.status()).toBe('unavailable');
    expect(h.tools().size).toBe(0);
    expect(h.toolset.tools).toHaveLength(0);
    const warnings = h.lines.filter((line) => line.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not reachable/);

    await new Promise((resolve) => setTimeout(resolve, 200)); // a few failed retries
    expect(h.lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);
    const server = new TestServer();
    servers.push(server);
    await server.start(port);
    await until(() => h.toolset.status() === 'connected');
    expect(h.statuses).toEqual(['unavailable', 'connected']);
    expect(h.updates).toBe(1);
    expect(h.tools().has('get_order_status')).toBe(true);
    expect(await h.call('get_order_status', { order_id: 'O9002' })).toMatchObject({
      data: { status: 'found' },
    });
  });

  it('answers "unavailable" when the server stops mid-call, and recovers when it is back', async () => {
    const server = await startServer();
    const h = await harness({ connection: httpConnection(server), toolTimeoutMs: 3_000 });
    server.delayMs = 500;
    const pending = h.call('get_order_status', { order_id: 'O9002' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.stop();
    const error = await toolError(pending);
    expect(error.message).toBe(UNAVAILABLE_MESSAGE);
    expect(h.events[0]).toMatchObject({ status: 'unavailable', error: UNAVAILABLE_MESSAGE });
    expect(h.toolset.status()).toBe('unavailable');
    // The tools stay listed; a call while the server is down answers at once.
    const down = await toolError(h.call('get_delivery_status', { tracking_number: 'TRK10002' }));
    expect(down.message).toBe(UNAVAILABLE_MESSAGE);

    server.delayMs = 0;
    await server.start();
    expect(await h.call('get_order_status', { order_id: 'O9002' })).toMatchObject({
      data: { status: 'found' },
    });
    expect(h.toolset.status()).toBe('connected');
    expect(h.events.map((event) => event.status)).toEqual(['unavailable', 'unavailable', 'ok']);
  });

  it('opens a new session when a restarted server has forgotten the old one', async () => {
    const server = await startServer();
    const h = await harness({
      connection: httpConnection(server),
      callerNumber: ANA_PHONE,
      retryDelaysMs: [60_000],
    });
    expect(((await h.call('get_customer_orders')) as any).data.status).toBe('found');
    await server.stop();
    await server.start(); // same port, no sessions: the old session id answers 404
    expect(((await h.call('get_customer_orders')) as any).data).toMatchObject({
      status: 'found',
      customer_id: 'C5000',
    });
    expect(h.events.map((event) => event.status)).toEqual(['ok', 'ok']);
    expect(h.updates).toBe(1); // same tools: not re-advertised
  });

  it('terminates its HTTP session on aclose', async () => {
    const server = await startServer();
    let sessions = 0;
    const h = await harness({ connection: httpConnection(server) });
    await h.call('get_store_policies', {});
    // One session per toolset: a second toolset is a second session.
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    sessions = ((await response.json()) as { sessions: number }).sessions;
    expect(sessions).toBe(1);
    await h.toolset.aclose();
    const after = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(((await after.json()) as { sessions: number }).sessions).toBe(0);
  });
});

describe('MCP toolset over stdio', () => {
  it('spawns the server, passes the caller number, and ends the child on aclose', async () => {
    const [ana, anonymous] = await Promise.all([
      harness({ connection: stdioConnection(), callerNumber: ANA_PHONE, connectTimeoutMs: 15_000 }),
      harness({ connection: stdioConnection(), connectTimeoutMs: 15_000 }),
    ]);
    expect(ana.toolset.status()).toBe('connected');
    expect(ana.tools().get('get_order_status')?.parameters).not.toHaveProperty('$schema');
    expect(((await ana.call('get_customer_orders')) as any).data).toMatchObject({
      status: 'found',
      customer_id: 'C5000',
      total_orders: 3,
    });
    expect(((await anonymous.call('get_customer_orders')) as any).data).toEqual({
      status: 'verification_required',
    });
    expect(await anonymous.call('get_order_status', { order_id: 'O9002' })).toMatchObject({
      data: { order: { delivery_status: 'Out for Delivery', tracking_number: 'TRK10002' } },
    });
    const error = await toolError(anonymous.call('get_order_status', { order_id: 'P1000' }));
    expect(anonymous.events.at(-1)).toMatchObject({ status: 'error', error: error.message });
    const started = performance.now();
    await Promise.all([ana.toolset.aclose(), anonymous.toolset.aclose()]);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe('MCP toolset in an AgentSession', () => {
  it('executes a scripted function call through the toolset', async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    const server = await startServer();
    const { logger } = recordingLogger();
    const toolset = createMcpToolset({
      connection: httpConnection(server),
      logger,
      setupWaitMs: 20_000,
    });
    const question = 'Where is my order O9002?';
    const session = new voice.AgentSession({
      llm: new voice.testing.FakeLLM([
        { input: question, toolCalls: [{ name: 'get_order_status', args: { order_id: 'O9002' } }] },
      ]),
    });
    expect(toolset.status()).toBe('connecting');
    try {
      await session.start({
        agent: new voice.Agent({ instructions: 'You help store customers.', tools: [toolset] }),
      });
      expect(toolset.status()).toBe('connected');
      expect(Object.keys(session.currentAgent.toolCtx.functionTools)).toContain('get_order_status');
      const result = await session.run({ userInput: question }).wait();
      result.expect
        .nextEvent()
        .isFunctionCall({ name: 'get_order_status', args: { order_id: 'O9002' } });
      const output = result.expect.nextEvent().isFunctionCallOutput({ isError: false });
      expect(JSON.parse(output.event().item.output)).toMatchObject({
        summary: expect.stringMatching(/^Order O9002/),
        data: { order: { order_id: 'O9002', tracking_number: 'TRK10002' } },
      });
    } finally {
      await session.close();
    }
    // Closing the session closed the toolset, which terminated its MCP session.
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(((await health.json()) as { sessions: number }).sessions).toBe(0);
  });
});
