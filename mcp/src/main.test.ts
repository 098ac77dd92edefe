// The exact commands the README and other services rely on, run as processes.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_FILES, writeFixtureStore } from './testing/fixture-store.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'process-test-token-0123456789';
const env = { ...process.env, LOG_LEVEL: 'warn', MCP_AUTH_TOKEN: '' };

// Servers run detached in their own process group, so npm, tsx and node all stop together.
const processGroups: number[] = [];
afterEach(() => {
  for (const pid of processGroups.splice(0)) process.kill(-pid, 'SIGTERM');
});

describe('npm run mcp -- --stdio', () => {
  it('serves one MCP session, trusting --caller-phone', async () => {
    const dir = writeFixtureStore();
    const transport = new StdioClientTransport({
      command: 'npm',
      args: ['run', 'mcp', '--', '--stdio', '--data', dir, '--caller-phone', '(415) 555-0100'],
      cwd: ROOT,
      env: env as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    // npm prints its script banner on stdout before the server starts; the client skips those lines.
    client.onerror = () => {};
    await client.connect(transport);
    try {
      const orders = (await client.callTool({ name: 'get_customer_orders', arguments: {} })) as {
        structuredContent: unknown;
      };
      expect(orders.structuredContent).toMatchObject({
        status: 'found',
        customer_id: 'C5000',
        total_orders: 3,
      });
      const order = (await client.callTool({
        name: 'get_order_status',
        arguments: { order_id: '9001' },
      })) as { structuredContent: unknown };
      expect(order.structuredContent).toMatchObject({
        status: 'found',
        order: { tracking_number: 'TRK10001' },
      });
    } finally {
      await client.close();
    }
  });

  it('refuses to start on invalid data, naming file, line and column', () => {
    const dir = writeFixtureStore({
      'products.csv': FIXTURE_FILES['products.csv'].replace('199.99', 'free'),
    });
    const result = spawnSync('npm', ['run', 'mcp', '--', '--stdio', '--data', dir], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Cannot load the store: products.csv:2:5: price: expected an amount like 24.99',
    );
  });
});

describe('npm run mcp -- --http', () => {
  it('fails fast without MCP_AUTH_TOKEN, naming it', () => {
    const result = spawnSync('npm', ['run', 'mcp', '--', '--http', '--port', '0'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'Invalid configuration: MCP_AUTH_TOKEN is required with --http',
    );
  });

  it('serves Streamable HTTP on the given port with the given data', async () => {
    const dir = writeFixtureStore();
    const child = spawn('npm', ['run', 'mcp', '--', '--http', '--port', '0', '--data', dir], {
      cwd: ROOT,
      env: { ...env, MCP_AUTH_TOKEN: TOKEN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    processGroups.push(child.pid!);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('mcp server listening')) {
      if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Port 0: the server logs the port it was given.
    const port = /"url":"http:\/\/127\.0\.0\.1:(\d+)\/mcp"/.exec(stderr)?.[1];
    expect(port).toBeDefined();
    const client = new Client({ name: 'http-process-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    const product = (await client.callTool({
      name: 'get_product',
      arguments: { product_id: 'P1003' },
    })) as { structuredContent: unknown };
    expect(product.structuredContent).toMatchObject({
      status: 'found',
      product: { name: "Ceramic Chef's Knife" },
    });
    await client.close();
    // Logs are JSON on stderr and carry no token.
    expect(stderr).not.toContain(TOKEN);
  });
});
