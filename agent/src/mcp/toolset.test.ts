// The toolset with a hand-written MCP client: reconnects and closing, without a server. The cases
// against the real MCP server are in e2e/src/integration/agent-mcp-toolset.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMcpClient } from '../testing/fake-mcp-client.js';
import type { McpConnection, McpToolsetOptions } from './toolset.js';
import { driveToolset, type DrivenToolset } from '../testing/toolset-driver.js';

// Unused by the fake client; a stdio server would be spawned from it otherwise.
const CONNECTION: McpConnection = { type: 'stdio', command: 'mcp-server', args: ['--stdio'] };
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

type Harness = DrivenToolset;

const harnesses: Harness[] = [];

/** The toolset driven as the framework drives it, over the fake client given. */
function harness(
  options: Partial<McpToolsetOptions> & Pick<McpToolsetOptions, 'clientFactory'>,
): Promise<Harness> {
  return driveToolset({ connection: CONNECTION, ...options }, (h) => harnesses.push(h));
}

async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.toolset.aclose();
    for (const event of h.events)
      expect(Object.keys(event).every((key) => EVENT_KEYS.includes(key))).toBe(true);
  }
});

describe('MCP toolset with a hand-written client', () => {
  it('reconnects when the session ends on its own', async () => {
    const fake = createFakeMcpClient();
    const h = await harness({ clientFactory: fake.factory });
    expect(await h.call('ping')).toEqual({ summary: 'pong', data: { pong: true } });
    fake.made[0]!.onClose(); // the child exited
    expect(h.toolset.status()).toBe('connecting');
    await until(() => h.toolset.status() === 'connected');
    expect(fake.made).toHaveLength(2);
    expect(fake.made[0]!.closed).toBe(true);
    expect(h.statuses).toEqual(['connected', 'connecting', 'connected']);
    expect(h.updates).toBe(1);
    expect(await h.call('ping')).toEqual({ summary: 'pong', data: { pong: true } });
  });

  it('lets the agent start after setupWaitMs while the store server is slow, then adds its tools', async () => {
    const fake = createFakeMcpClient();
    const release = fake.hold();
    const started = performance.now();
    const h = await harness({ clientFactory: fake.factory, setupWaitMs: 100 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(h.toolset.status()).toBe('connecting');
    expect(h.updates).toBe(0);
    release();
    await until(() => h.toolset.status() === 'connected');
    expect(h.updates).toBe(1);
    expect(await h.call('ping')).toEqual({ summary: 'pong', data: { pong: true } });
  });

  it('closes a session that connects after aclose', async () => {
    const fake = createFakeMcpClient();
    const release = fake.hold();
    const h = harness({ clientFactory: fake.factory });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const toolset = harnesses.at(-1)!.toolset;
    const closing = toolset.aclose();
    release();
    await closing;
    await h;
    expect(fake.made).toHaveLength(1);
    expect(fake.made[0]!.closed).toBe(true);
  });
});
