// The observer on a REAL voice.AgentSession: text mode, no room, a scripted LLM (FakeLLM) and a
// tool that reports to the observer the way our MCP toolset does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeLogger, llm, voice } from '@livekit/agents';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallObserver } from './call-observer.js';
import { createCallRecorder, readCallRecord, type CallRecorder } from './call-record.js';
import type { AgentEventMessage, AgentEventPublisher } from './data-topic.js';
import type { ObservableSession } from './observed-session.js';
import { FakeLogger } from '../testing/fake-logger.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'warn' });
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'call-observer-session-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('createCallObserver on a real AgentSession', () => {
  it('records the conversation, the tool call and the end of the session', async () => {
    const logger = new FakeLogger();
    const published: AgentEventMessage[] = [];
    const publisher: AgentEventPublisher = {
      publish: (message) => published.push(message),
      flush: async () => {},
    };
    const recorder: CallRecorder = createCallRecorder({
      dir,
      callId: 'job-1',
      startedAt: Date.now(),
      kind: 'web',
      logger,
    });
    const fakeLlm = new voice.testing.FakeLLM([
      {
        input: 'Where is my order O9002?',
        toolCalls: [{ name: 'get_order_status', args: { order_id: 'O9002' } }],
      },
      // The framework hands the tool's return value back to the LLM as JSON text.
      { input: '"Order O9002 is shipped."', content: 'Your order O9002 has shipped.' },
    ]);
    const session = new voice.AgentSession({ llm: fakeLlm });
    // The real session satisfies the observer's structural interface.
    const observed: ObservableSession = session;
    const observer = createCallObserver({
      session: observed,
      callId: 'job-1',
      publisher,
      recorder,
      logger,
    });
    // Reports to the observer the way our MCP toolset does.
    const getOrderStatus = llm.tool({
      name: 'get_order_status',
      description: 'Status of an order',
      parameters: z.object({ order_id: z.string() }),
      execute: async ({ order_id }, { toolCallId }) => {
        const result = { order_id, order_status: 'Shipped' };
        observer.toolCall({
          callId: toolCallId,
          name: 'get_order_status',
          args: { order_id },
          startedAt: Date.now(),
          durationMs: 12,
          status: 'ok',
          result,
        });
        return 'Order O9002 is shipped.';
      },
    });

    await session.start({
      agent: new voice.Agent({
        instructions: 'You help with orders.',
        tools: [getOrderStatus],
      }),
    });
    const result = await session.run({ userInput: 'Where is my order O9002?' }).wait();
    result.expect.nextEvent().isFunctionCall({ name: 'get_order_status' });
    result.expect.nextEvent().isFunctionCallOutput();
    result.expect.nextEvent().isMessage({ role: 'assistant' });
    await session.close();
    await observer.end('test over'); // already ended by the session's close event

    expect(observer.turns.map((turn) => [turn.role, turn.text])).toEqual([
      ['user', 'Where is my order O9002?'],
      ['assistant', 'Your order O9002 has shipped.'],
    ]);
    const lines = await readCallRecord(recorder.path);
    expect(lines.map((line) => line.type)).toEqual([
      'call_started',
      'turn',
      'tool_call',
      'turn',
      'transcript',
      'call_ended',
    ]);
    // Reported once (by the "toolset"), not again from function_tools_executed.
    expect(lines[2]).toMatchObject({
      name: 'get_order_status',
      callId: 'fake_call_0',
      source: 'toolset',
      result: { order_status: 'Shipped' },
    });
    expect(lines[5]).toMatchObject({ type: 'call_ended', reason: 'user_initiated' });
    expect(
      published.flatMap((message) => (message.type === 'agent_state' ? [message.state] : [])),
    ).toEqual(['listening', 'thinking', 'speaking', 'listening']);
    expect(published.filter((message) => message.type === 'tool_call')).toHaveLength(1);
    expect(published.at(-1)).toMatchObject({ type: 'call_ended', reason: 'user_initiated' });
    expect(logger.entries).toEqual([]);
  });
});
