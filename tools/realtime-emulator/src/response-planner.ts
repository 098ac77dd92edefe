// Decides what a response says or calls, from the scenario: a pending tool reply first, then the
// unanswered user turn, then `instructions` rules, the greeting, the fallback.
import type { ResponseRequest } from './client-events.js';
import type { FunctionCallRecord, ResponseRecord, UserTurnRecord } from './records.js';
import {
  applyArgumentTemplate,
  applyTemplate,
  functionCalls,
  matchInstructions,
  matchUserTurn,
  sayText,
  type ScenarioActions,
  type TemplateContext,
} from './scenario.js';
import type { SessionContext } from './session-context.js';

export type { ResponseRequest };

/** A rule that answered with function calls: its `say` answers once every output is in. */
interface PendingToolReply {
  calls: FunctionCallRecord[];
  outputs: Map<string, string>;
  actions: ScenarioActions;
  ctx: TemplateContext;
  ruleId: string | null;
}

export type ToolReplyFollowUp = Omit<PendingToolReply, 'calls' | 'outputs'>;

export type Plan =
  | { kind: 'message'; text: string }
  | {
      kind: 'function_calls';
      calls: Array<{ name: string; arguments: string }>;
      followUp: ToolReplyFollowUp;
    };

export interface PlannedResponse {
  plan: Plan;
  source: ResponseRecord['source'];
  ruleId: string | null;
}

export class ResponsePlanner {
  readonly #ctx: SessionContext;
  readonly #takeUnansweredTurn: () => UserTurnRecord | null;
  #pendingToolReply: PendingToolReply | null = null;

  /** `takeUnansweredTurn` is only called when no complete tool reply is pending. */
  constructor(ctx: SessionContext, takeUnansweredTurn: () => UserTurnRecord | null) {
    this.#ctx = ctx;
    this.#takeUnansweredTurn = takeUnansweredTurn;
  }

  /** After a response made these calls: the next response waits for their outputs. */
  awaitToolOutputs(followUp: ToolReplyFollowUp, calls: FunctionCallRecord[]): void {
    this.#pendingToolReply = { ...followUp, calls, outputs: new Map() };
  }

  /** A `function_call_output` item arrived. */
  receiveToolOutput(callId: string, output: string): void {
    const pending = this.#pendingToolReply;
    if (pending?.calls.some((c) => c.callId === callId)) {
      pending.outputs.set(callId, output);
    } else {
      this.#ctx.log.info(
        { callId },
        'function_call_output for a call the emulator is not waiting on',
      );
    }
  }

  #toolChoiceAllowsCalls(request: ResponseRequest): boolean {
    const choice = request?.tool_choice ?? this.#ctx.config().toolChoice;
    return choice !== 'none';
  }

  plan(request: ResponseRequest): PlannedResponse {
    const scenario = this.#ctx.scenario();
    const allowCalls = this.#toolChoiceAllowsCalls(request);

    const fromActions = (
      actions: ScenarioActions,
      ctx: TemplateContext,
      ruleId: string | null,
    ): Plan => {
      const calls = functionCalls(actions.function_call);
      if (calls.length > 0 && allowCalls) {
        return {
          kind: 'function_calls',
          calls: calls.map((c) => ({
            name: c.name,
            arguments: JSON.stringify(applyArgumentTemplate(c.arguments, ctx)),
          })),
          followUp: { actions, ctx, ruleId },
        };
      }
      const say = sayText(actions.say) ?? sayText(scenario.fallback.say) ?? 'OK.';
      return { kind: 'message', text: applyTemplate(say, ctx) };
    };

    const pending = this.#pendingToolReply;
    if (pending && pending.calls.every((c) => pending.outputs.has(c.callId))) {
      this.#pendingToolReply = null;
      const ctx: TemplateContext = {
        ...pending.ctx,
        outputs: pending.calls.map((c) => pending.outputs.get(c.callId) ?? ''),
      };
      const say = sayText(pending.actions.say);
      if (say !== undefined) {
        return {
          plan: { kind: 'message', text: applyTemplate(say, ctx) },
          source: 'tool_reply',
          ruleId: pending.ruleId,
        };
      }
      return { plan: fromActions(scenario.fallback, ctx, null), source: 'fallback', ruleId: null };
    }
    if (pending) {
      this.#ctx.log.warn(
        {
          waitingFor: pending.calls
            .filter((c) => !pending.outputs.has(c.callId))
            .map((c) => c.callId),
        },
        'response.create while tool outputs are still missing; answering without them',
      );
    }

    const turn = this.#takeUnansweredTurn();
    if (turn) {
      const match = matchUserTurn(scenario, { index: turn.index, text: turn.text });
      if (match) {
        const ctx = { captures: match.captures, text: turn.text };
        const ruleId = match.rule.id ?? `rules[${match.index}]`;
        return { plan: fromActions(match.rule, ctx, ruleId), source: 'rule', ruleId };
      }
      return {
        plan: fromActions(scenario.fallback, { captures: [], text: turn.text }, null),
        source: 'fallback',
        ruleId: null,
      };
    }

    const instructions = request?.instructions;
    if (instructions !== undefined) {
      const match = matchInstructions(scenario, instructions);
      if (match) {
        const ruleId = match.rule.id ?? `rules[${match.index}]`;
        return {
          plan: fromActions(match.rule, { captures: match.captures }, ruleId),
          source: 'instructions',
          ruleId,
        };
      }
    }
    if (scenario.greeting) {
      return {
        plan: fromActions(scenario.greeting, { captures: [] }, 'greeting'),
        source: 'greeting',
        ruleId: 'greeting',
      };
    }
    return {
      plan: fromActions(scenario.fallback, { captures: [] }, null),
      source: 'fallback',
      ruleId: null,
    };
  }
}
