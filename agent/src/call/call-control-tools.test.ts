// The call-control tools inside a real AgentSession (text mode, no room), the model scripted
// with the framework's FakeLLM.
import { initializeLogger, voice } from '@livekit/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEndCallTool, createTransferTool, type CallerInfo } from './call-control-tools.js';

beforeAll(() => initializeLogger({ pretty: false, level: 'warn' }));

const ASK_FOR_PERSON = 'Can I talk to a real person please?';
const TARGET = 'tel:+15550100200';

async function transferSession(
  caller: CallerInfo | undefined,
  transfer: (identity: string, to: string) => Promise<void>,
) {
  let transferred = false;
  const session = new voice.AgentSession({
    llm: new voice.testing.FakeLLM([
      { input: ASK_FOR_PERSON, toolCalls: [{ name: 'transfer_to_human', args: {} }] },
    ]),
  });
  const tool = createTransferTool({
    transferTo: TARGET,
    caller: () => caller,
    transfer,
    onTransferred: () => (transferred = true),
  });
  await session.start({
    agent: new voice.Agent({ instructions: 'You help store customers.', tools: [tool] }),
  });
  const result = await session.run({ userInput: ASK_FOR_PERSON }).wait();
  await session.close();
  return { result, transferred };
}

describe('transfer_to_human', () => {
  it('cold-transfers a phone caller to TRANSFER_TO', async () => {
    const calls: [string, string][] = [];
    const { result, transferred } = await transferSession(
      { kind: 'sip', identity: 'sip_caller' },
      async (identity, to) => {
        calls.push([identity, to]);
      },
    );
    result.expect.containsFunctionCall({ name: 'transfer_to_human' });
    result.expect.containsFunctionCallOutput({ isError: false });
    expect(calls).toEqual([['sip_caller', TARGET]]);
    expect(transferred).toBe(true);
  });

  it('explains that a browser session cannot be transferred, without calling the SIP API', async () => {
    const calls: string[] = [];
    const { result, transferred } = await transferSession(
      { kind: 'web', identity: 'tester' },
      async (identity) => {
        calls.push(identity);
      },
    );
    const output = result.events.find((event) => event.type === 'function_call_output');
    expect(output?.item.output).toMatch(/only available on phone calls/);
    expect(calls).toEqual([]);
    expect(transferred).toBe(false);
  });

  it('reports a failed transfer to the model as a tool error', async () => {
    const { result, transferred } = await transferSession(
      { kind: 'sip', identity: 'sip_caller' },
      async () => {
        throw new Error('SIP 486 busy');
      },
    );
    result.expect.containsFunctionCallOutput({ isError: true });
    const output = result.events.find((event) => event.type === 'function_call_output');
    expect(output?.item.output).toMatch(/did not go through/);
    expect(output?.item.output).not.toMatch(/486/);
    expect(transferred).toBe(false);
  });
});

describe('end_call', () => {
  // With the Realtime model the goodbye plays before the session ends: see agent.emulator.test.ts.
  it('ends the session', async () => {
    let endCalled = false;
    const session = new voice.AgentSession({
      llm: new voice.testing.FakeLLM([
        { input: "That's all, thanks. Bye!", toolCalls: [{ name: 'end_call', args: {} }] },
        {
          input: 'Say a short, warm goodbye in one sentence. Do not ask anything.',
          content: 'Goodbye, and thanks for calling!',
        },
      ]),
    });
    const closed = new Promise<{ reason: string }>((resolve) =>
      session.on(voice.AgentSessionEventTypes.Close, resolve),
    );
    await session.start({
      agent: new voice.Agent({
        instructions: 'You help store customers.',
        tools: [createEndCallTool(() => (endCalled = true))],
      }),
    });
    const result = await session.run({ userInput: "That's all, thanks. Bye!" }).wait();
    result.expect.containsFunctionCall({ name: 'end_call' });
    const event = await Promise.race([
      closed,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
    ]);
    expect(endCalled).toBe(true);
    expect(event).toBeDefined();
  });
});
