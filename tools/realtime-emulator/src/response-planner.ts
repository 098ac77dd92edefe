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
  type Fault,
  type RateLimits,
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

/** Extras any plan may carry: a fault to act out, a `rate_limits.updated` to send first. */
interface PlanExtras {
  fault?: Fault;
  rateLimits?: RateLimits;
}

export type Plan =
  | ({ kind: 'message'; text: string } & PlanExtras)
  | ({
      kind: 'function_calls';
      /** Spoken in the same response before the calls. */
      preamble?: string;
      calls: Array<{ name: string; arguments: string }>;
      followUp: ToolReplyFollowUp;
    } & PlanExtras);

export interface PlannerHooks {
  takeUnansweredTurn(): UserTurnRecord | null;
  /** Puts a turn back as unanswered (a fault used the response that took it). */
  restoreTurn(turn: UserTurnRecord): void;
  /** True the first time a rule's fault is asked for (emulator-wide, across reconnects). */
  consumeFault(key: string): boolean;
}

export interface PlannedResponse {
  plan: Plan;
  source: ResponseRecord['source'];
  ruleId: string | null;
}

export class ResponsePlanner {
  readonly #ctx: SessionContext;
  readonly #hooks: PlannerHooks;
  #pendingToolReply: PendingToolReply | null = null;

  /** `takeUnansweredTurn` is only called when no complete tool reply is pending. */
  constructor(ctx: SessionContext, hooks: PlannerHooks) {
    this.#ctx = ctx;
    this.#hooks = hooks;
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
    const planned = this.#plan(request);
    const { fault } = planned.plan;
    if (fault && planned.turn) this.#hooks.restoreTurn(planned.turn);
    return planned;
  }

  #plan(request: ResponseRequest): PlannedResponse & { turn?: UserTurnRecord } {
    const scenario = this.#ctx.scenario();
    const allowCalls = this.#toolChoiceAllowsCalls(request);

    const fromActions = (
      actions: ScenarioActions,
      ctx: TemplateContext,
      ruleId: string | null,
    ): Plan => {
      const extras: PlanExtras = {};
      if (actions.fault && this.#hooks.consumeFault(ruleId ?? 'fallback')) {
        extras.fault = actions.fault;
      }
      if (actions.rate_limits) extras.rateLimits = actions.rate_limits;
      const calls = functionCalls(actions.function_call);
      if (calls.length > 0 && allowCalls) {
        const preamble = sayText(actions.preamble);
        return {
          kind: 'function_calls',
          ...(preamble !== undefined ? { preamble: applyTemplate(preamble, ctx) } : {}),
          calls: calls.map((c) => ({
            name: c.name,
            arguments: JSON.stringify(applyArgumentTemplate(c.arguments, ctx)),
          })),
          followUp: { actions, ctx, ruleId },
          ...extras,
        };
      }
      const say = sayText(actions.say) ?? sayText(scenario.fallback.say) ?? 'OK.';
      return { kind: 'message', text: applyTemplate(say, ctx), ...extras };
    };

    const pending = this.#pendingToolReply;
    if (pending && pending.calls.every((c) => pending.outputs.has(c.callId))) {
      this.#pendingToolReply = null;
      const ctx: TemplateContext = {
        ...pending.ctx,
        outputs: pending.calls.map((c) => pending.outputs.get(c.callId) ?? ''),
      };
      // Chained calls: `then` answers the outputs, possibly with more calls.
      const { then } = pending.actions;
      if (then !== undefined) {
        return {
          plan: fromActions(then, ctx, pending.ruleId),
          source: 'tool_reply',
          ruleId: pending.ruleId,
        };
      }
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

    const turn = this.#hooks.takeUnansweredTurn();
    if (turn) {
      const match = matchUserTurn(scenario, { index: turn.index, text: turn.text });
      if (match) {
        const ctx = { captures: match.captures, text: turn.text };
        const ruleId = match.rule.id ?? `rules[${match.index}]`;
        return { plan: fromActions(match.rule, ctx, ruleId), source: 'rule', ruleId, turn };
      }
      return {
        plan: fromActions(scenario.fallback, { captures: [], text: turn.text }, null),
        source: 'fallback',
        ruleId: null,
        turn,
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
