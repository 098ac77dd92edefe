// Issue 13's bad days, end to end in the agent: the production session (our model setup, our
// recovery) against the emulator acting out each fault of the real service. Whatever goes wrong,
// the caller hears speech soon after: the answer again, or an apology and the answer.
import type { ScenarioRule } from '@ecommerce-voicebot/realtime-emulator';
import { initializeLogger, llm } from '@livekit/agents';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeCalls, startCall, until, type Call } from './agent-call.js';

beforeAll(() => initializeLogger({ pretty: false, level: 'error' }));
afterEach(closeCalls);

const ANSWER = 'Your order 9002 shipped yesterday and arrives on Friday.';

/** Asks, then waits until the caller has heard a whole answer; returns when it started. */
async function askAndHear(call: Call, question: string, what: string): Promise<number> {
  const before = call.speaker.segments.length;
  call.session.generateReply({ userInput: question });
  const heard = await until(
    () =>
      call.speaker.segments.slice(before).find((s) => !s.interrupted && s.playedMs > 1_500) ??
      false,
    20_000,
    what,
  );
  return heard.startedAt;
}

/** The longest stretch without agent audio from `from` until `to` (ms). */
function longestSilence(call: Call, from: number, to: number): number {
  let longest = 0;
  let cursor = from;
  for (const segment of call.speaker.segments.filter((s) => s.endedAt > from)) {
    longest = Math.max(longest, segment.startedAt - cursor);
    cursor = Math.max(cursor, segment.endedAt);
  }
  return Math.max(longest, to - cursor);
}

describe('when a model response goes wrong', () => {
  const faults: { name: string; fault: NonNullable<ScenarioRule['fault']> }[] = [
    { name: 'failed', fault: { type: 'failed' } },
    {
      name: 'incomplete (max_output_tokens)',
      fault: { type: 'incomplete', reason: 'max_output_tokens' },
    },
    {
      name: 'incomplete (content_filter)',
      fault: { type: 'incomplete', reason: 'content_filter' },
    },
    { name: 'server_error', fault: { type: 'server_error' } },
    { name: 'already_active', fault: { type: 'already_active' } },
    { name: 'a dropped socket', fault: { type: 'drop', afterMs: 400 } },
    {
      name: 'session_expired',
      fault: { type: 'session_expired', afterMs: 400 },
    },
  ];

  it.each(faults)('answers after $name, with speech and no long silence', async ({ fault }) => {
    const call = await startCall({
      rules: [{ id: 'order', match: { text: 'order' }, fault, say: ANSWER }],
    });
    const askedAt = Date.now();
    const heardAt = await askAndHear(call, 'Where is my order 9002?', 'the answer');
    const responses = call.emulator.sessions().flatMap((s) => s.responses);
    const order = responses.filter((r) => r.ruleId === 'order');
    // The fault was acted out, and a later response answered the same question in full.
    if (fault.type === 'already_active') {
      // A refused response.create: an error event, no response.
      const refused = call.emulator.serverEvents.filter((e) => e.type === 'error');
      expect(JSON.stringify(refused)).toContain('conversation_already_has_active_response');
    } else {
      expect(order.some((r) => r.fault === fault.type)).toBe(true);
    }
    expect(order.at(-1)).toMatchObject({ status: 'completed', fault: null });
    expect(call.gaveUp()).toBe(false);
    const silentMs = longestSilence(call, askedAt, heardAt);
    console.info(`${fault.type}: answer heard ${heardAt - askedAt} ms after the question`);
    expect(silentMs).toBeLessThan(6_000);
  });

  it('keeps answering when the rate limits run low (and says nothing about it)', async () => {
    const call = await startCall({
      rules: [
        {
          id: 'order',
          match: { text: 'order' },
          rate_limits: { requests: 1, tokens: 200 },
          say: ANSWER,
        },
      ],
    });
    await askAndHear(call, 'Where is my order 9002?', 'the answer');
    expect(call.retries()).toBe(0);
  });
});

describe('tool calls the way the real model makes them', () => {
  function lookupTools(calls: string[]) {
    const tool = (name: string, result: string) =>
      llm.tool({
        name,
        description: `Test tool ${name}.`,
        parameters: z.object({ id: z.string() }),
        execute: async ({ id }) => {
          calls.push(`${name}:${id}`);
          return result;
        },
      });
    return [tool('order_status', 'shipped'), tool('delivery_date', 'Friday')];
  }

  it('speaks a preamble, calls the tool in the same response, then answers with its result', async () => {
    const calls: string[] = [];
    const call = await startCall(
      {
        rules: [
          {
            id: 'preamble',
            match: { text: 'order (\\d+)' },
            preamble: 'Let me check that order for you right now.',
            function_call: { name: 'order_status', arguments: { id: '$1' } },
            say: 'Your order is {{output}}, and it should arrive on Friday as planned.',
          },
        ],
      },
      {},
      lookupTools(calls),
    );
    await askAndHear(call, 'Where is my order 9002?', 'the answer');
    expect(calls).toEqual(['order_status:9002']);
    // The preamble is heard whole, then the answer made from the tool's result.
    const answer = await until(
      () => call.speaker.segments.filter((s) => !s.interrupted).at(1),
      15_000,
      'the answer after the tool',
    );
    expect(call.speaker.segments[0]).toMatchObject({ interrupted: false });
    const toolReply = call.emulator
      .sessions()
      .flatMap((s) => s.responses)
      .find((r) => r.source === 'tool_reply');
    expect(toolReply?.deliveredText).toContain('shipped');
    expect(answer.startedAt).toBeGreaterThanOrEqual(call.speaker.segments[0]!.endedAt);
  });

  it('makes chained calls, one after the other, then answers', async () => {
    const calls: string[] = [];
    const call = await startCall(
      {
        rules: [
          {
            id: 'chain',
            match: { text: 'when' },
            function_call: { name: 'order_status', arguments: { id: '9002' } },
            then: {
              function_call: { name: 'delivery_date', arguments: { id: '9002' } },
              say: 'It has shipped and arrives on {{output}}, so keep an eye on your mailbox.',
            },
          },
        ],
      },
      {},
      lookupTools(calls),
    );
    await askAndHear(call, 'When will my order come?', 'the answer');
    expect(calls).toEqual(['order_status:9002', 'delivery_date:9002']);
  });

  it('makes parallel calls in one response, then answers with both results', async () => {
    const calls: string[] = [];
    const call = await startCall(
      {
        rules: [
          {
            id: 'parallel',
            match: { text: 'both' },
            function_call: [
              { name: 'order_status', arguments: { id: '9002' } },
              { name: 'delivery_date', arguments: { id: '9002' } },
            ],
            say: 'It is {{outputs.0}} and arrives on {{outputs.1}}, right on schedule for you.',
          },
        ],
      },
      {},
      lookupTools(calls),
    );
    await askAndHear(call, 'Tell me both status and date', 'the answer');
    expect([...calls].sort()).toEqual(['delivery_date:9002', 'order_status:9002']);
    const answer = call.emulator
      .sessions()
      .flatMap((s) => s.responses)
      .find((r) => r.source === 'tool_reply');
    expect(answer?.deliveredText).toContain('shipped');
    expect(answer?.deliveredText).toContain('Friday');
  });
});
