// Unit tests of answer selection, without a socket: tool replies, tool_choice and the order of
// user turn, instructions, greeting and fallback.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from './protocol.js';
import type { FunctionCallRecord, UserTurnRecord } from './records.js';
import { ResponsePlanner } from './response-planner.js';
import { parseScenario } from './scenario.js';
import { createJitter, resolveProfile } from './profile.js';
import type { SessionContext } from './session-context.js';

const scenario = parseScenario({
  greeting: { say: 'Hello!' },
  fallback: { say: 'Sorry.' },
  rules: [
    {
      id: 'order',
      match: { text: 'order (\\d+)' },
      function_call: { name: 'lookup_order', arguments: { order_id: '$1' } },
      say: 'Order $1 is {{output.status}}.',
    },
    { id: 'transfer', match: { instructions: 'transfer' }, say: 'Transferring you.' },
  ],
});

function planner(turns: UserTurnRecord[] = []) {
  const config = defaultSessionConfig('gpt-realtime', 'ga');
  const ctx: SessionContext = {
    log: pino({ level: 'silent' }),
    dialect: 'ga',
    config: () => config,
    scenario: () => scenario,
    send: () => undefined,
    sendError: () => undefined,
    jitter: createJitter(resolveProfile('ideal'), 0),
    flag: () => undefined,
    endConnection: () => undefined,
  };
  const usedFaults = new Set<string>();
  return {
    config,
    planner: new ResponsePlanner(ctx, {
      takeUnansweredTurn: () => turns.shift() ?? null,
      restoreTurn: (t) => turns.unshift(t),
      consumeFault: (key) => !usedFaults.has(key) && Boolean(usedFaults.add(key)),
    }),
  };
}

function turn(text: string, index = 0): UserTurnRecord {
  return { index, itemId: `item_${index}`, kind: 'text', text, audioMs: 0, answered: false };
}

function call(callId: string): FunctionCallRecord {
  return { callId, itemId: 'item_c', name: 'lookup_order', arguments: '{}', responseId: 'resp_1' };
}

describe('ResponsePlanner', () => {
  it('calls the tool, then answers from its output once every output arrived', () => {
    const turns = [turn('where is order 42')];
    const { planner: p } = planner(turns);
    const first = p.plan(undefined);
    expect(first).toMatchObject({ source: 'rule', ruleId: 'order' });
    expect(first.plan).toMatchObject({
      kind: 'function_calls',
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"42"}' }],
    });
    if (first.plan.kind !== 'function_calls') throw new Error('expected calls');
    p.awaitToolOutputs(first.plan.followUp, [call('call_a')]);

    // An output for another call is ignored; without the awaited one there is no tool reply.
    p.receiveToolOutput('call_other', '{}');
    turns.push(turn('hello', 1));
    expect(p.plan(undefined).source).toBe('fallback');

    // The reply stays pending until its output arrives.
    turns.push(turn('still here', 2));
    p.receiveToolOutput('call_a', '{"status":"shipped"}');
    expect(p.plan(undefined)).toEqual({
      plan: { kind: 'message', text: 'Order 42 is shipped.' },
      source: 'tool_reply',
      ruleId: 'order',
    });
    // The tool reply did not consume the waiting user turn.
    expect(turns).toHaveLength(1);
  });

  it("says the rule's text right away when tool_choice is none", () => {
    const { planner: p, config } = planner([turn('order 7'), turn('order 8', 1)]);
    expect(p.plan({ tool_choice: 'none' }).plan).toEqual({
      kind: 'message',
      text: 'Order 7 is .',
    });
    config.toolChoice = 'none';
    expect(p.plan(undefined).plan.kind).toBe('message');
  });

  it('without a user turn: instructions rule, then greeting', () => {
    const { planner: p } = planner();
    expect(p.plan({ instructions: 'base\nplease transfer the caller' })).toMatchObject({
      source: 'instructions',
      ruleId: 'transfer',
    });
    expect(p.plan({ instructions: 'say hi' })).toEqual({
      plan: { kind: 'message', text: 'Hello!' },
      source: 'greeting',
      ruleId: 'greeting',
    });
  });
});
