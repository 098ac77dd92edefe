import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStore } from '../store/live-store.js';
import { fixtureLiveStore, silentLogger } from '../testing/fixture-store.js';
import { TOOLS } from '../tools/registry.js';
import { createHttpApp, type HttpApp } from './http.js';

const TOKEN = 'test-token-0123456789abcdef';
let live: LiveStore;
let http: HttpApp;
let listener: Server;
let url: URL;
const clients: Client[] = [];

beforeAll(async () => {
  live = await fixtureLiveStore();
  http = createHttpApp({
    store: live,
    logger: silentLogger,
    authToken: TOKEN,
    defaultCountry: 'US',
  });
  listener = http.app.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  url = new URL(`http://127.0.0.1:${(listener.address() as AddressInfo).port}/mcp`);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await http.close();
  listener.close();
  live.close();
});

async function connect(headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) {
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text: string }[];
};
async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

describe('MCP over Streamable HTTP', () => {
  it('lists every tool with its input and output schema', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
    const orderStatus = tools.find((tool) => tool.name === 'get_order_status')!;
    expect(orderStatus.inputSchema.required).toEqual(['order_id']);
    expect(orderStatus.outputSchema?.properties).toHaveProperty('order');
    expect(orderStatus.title).toBe('Order status');
    expect(orderStatus.annotations).toEqual({
      title: 'Order status',
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    const verify = tools.find((tool) => tool.name === 'verify_customer')!;
    expect(verify.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false });
  });

  it('answers a tool call with structured content and speakable text', async () => {
    const { client } = await connect();
    const result = await callTool(client, 'get_order_status', { order_id: 'o-9002' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      status: 'found',
      order: { order_id: 'O9002', delivery_status: 'Out for Delivery' },
    });
    expect(result.content[0]?.text).toMatch(/^Order O9002 \(1 × Bluetooth Speaker\)/);
  });

  it('requires the bearer token', async () => {
    await expect(connect({})).rejects.toThrow(/Unauthorized/);
    await expect(connect({ Authorization: 'Bearer wrong-token-wrong-token' })).rejects.toThrow(
      /Unauthorized/,
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it("keeps each session's verification to itself", async () => {
    const first = await connect();
    const second = await connect();
    const verified = await callTool(first.client, 'verify_customer', {
      customer_id: 'C5000',
      email: 'ANA.GARCIA@example.com',
    });
    expect(verified.structuredContent).toMatchObject({ status: 'verified' });
    expect(
      (await callTool(first.client, 'get_customer_orders', {})).structuredContent,
    ).toMatchObject({ status: 'found', total_orders: 3 });
    expect((await callTool(second.client, 'get_customer_orders', {})).structuredContent).toEqual({
      status: 'verification_required',
    });
    expect(
      (await callTool(second.client, 'get_customer_orders', { customer_id: 'C5000' }))
        .structuredContent,
    ).toEqual({
      status: 'verification_required',
    });
  });

  it('trusts the caller number the agent sends, only together with the token', async () => {
    const caller = await connect({
      Authorization: `Bearer ${TOKEN}`,
      'X-Caller-Number': '+1 415-555-0100',
    });
    expect(
      (await callTool(caller.client, 'get_caller_verification', {})).structuredContent,
    ).toMatchObject({
      verified: true,
      method: 'caller_id',
      customer_id: 'C5000',
    });
    const unknown = await connect({
      Authorization: `Bearer ${TOKEN}`,
      'X-Caller-Number': '+1 202 555 0199',
    });
    expect((await callTool(unknown.client, 'get_customer_orders', {})).structuredContent).toEqual({
      status: 'verification_required',
    });
    await expect(connect({ 'X-Caller-Number': '+14155550100' })).rejects.toThrow(/Unauthorized/);
    await expect(
      connect({ Authorization: `Bearer ${TOKEN}`, 'X-Caller-Number': 'not a number' }),
    ).rejects.toThrow(/x-caller-number is not a phone number/);
  });

  it('reports a missing or absurd argument as a tool error without echoing it, and keeps serving', async () => {
    const { client } = await connect();
    const missing = await callTool(client, 'get_order_status', {});
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toMatch(/order_id/);

    const huge = await callTool(client, 'get_order_status', {
      order_id: `O${'9'.repeat(100_000)}`,
    });
    expect(huge.isError).toBe(true);
    expect(huge.content[0]?.text).toMatch(/too long/);
    expect(huge.content[0]!.text.length).toBeLessThan(500);

    const control = await callTool(client, 'search_products', { query: 'head\u0007phones' });
    expect(control.isError).toBe(true);
    expect(control.content[0]?.text).toMatch(/control characters/);

    const wrongType = await callTool(client, 'search_products', {
      query: 'speaker',
      in_stock_only: 'yes',
    });
    expect(wrongType.isError).toBe(true);

    expect((await callTool(client, 'get_product', { product_id: 'P1000' })).isError).toBeFalsy();
  });

  it('rejects unknown sessions, foreign Host headers and bodies that are not JSON', async () => {
    const auth = {
      Authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const unknown = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);
    const notJson = await fetch(url, { method: 'POST', headers: auth, body: '{"jsonrpc": ' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: -32700 } });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { ...auth, host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('closes a session when the client ends it', async () => {
    const before = http.sessionCount();
    const { transport } = await connect();
    expect(http.sessionCount()).toBe(before + 1);
    await transport.terminateSession();
    expect(http.sessionCount()).toBe(before);
  });

  it('reports health without authentication', async () => {
    const response = await fetch(new URL('/healthz', url));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', orders: 6 });
  });
});
