// The toolset with a hand-written MCP client: reconnects and closing, without a server. The cases
// against the real MCP server are in e2e/src/integration/agent-mcp-toolset.test.ts.
import { llm, type voice } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMcpClient } from '../testing/fake-mcp-client.js';
import {
  createMcpToolset,
  type McpConnection,
  type McpToolCallEvent,
  type McpToolset,
  type McpToolsetOptions,
  type McpToolsetStatus,
} from './toolset.js';
import { recordingLogger } from '../testing/recording-logger.js';

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

interface Harness {
  toolset: McpToolset;
  updates: number;
  events: McpToolCallEvent[];
  statuses: McpToolsetStatus[];
  call: (name: string, args?: Record<string, unknown>) => Promise<unknown>;
}

const harnesses: Harness[] = [];

/** Builds a toolset and drives it as the framework does: setup, then tools' execute. */
async function harness(
  options: Partial<McpToolsetOptions> & Pick<McpToolsetOptions, 'clientFactory'>,
): Promise<Harness> {
  const { logger } = recordingLogger();
  let current = new Map<string, llm.FunctionTool>();
  let callNumber = 0;
  const h: Harness = {
    toolset: createMcpToolset({
      connection: CONNECTION,
      logger,
      retryDelaysMs: [50],
      onToolCall: (event) => h.events.push(event),
      onStatusChange: (status) => h.statuses.push(status),
      ...options,
    }),
    updates: 0,
    events: [],
    statuses: [],
    async call(name, args = {}) {
      const tool = current.get(name);
      if (tool === undefined) throw new Error(`no tool ${name}`);
      callNumber += 1;
      return tool.execute(args as Parameters<llm.FunctionTool['execute']>[0], {
        ctx: {} as voice.RunContext,
        toolCallId: `call_${callNumber}`,
        abortSignal: new AbortController().signal,
      });
    },
  };
  harnesses.push(h);
  await h.toolset.setup({
    // What the framework's updateTools does (agent_activity.js), minus re-advertising.
    updateTools: (tools) => {
      h.toolset._setTools(tools);
      h.updates += 1;
      current = new Map(
        tools.filter(llm.isFunctionTool).map((tool) => [tool.name, tool as llm.FunctionTool]),
      );
    },
  });
  return h;
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
