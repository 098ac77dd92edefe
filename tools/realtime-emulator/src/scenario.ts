// Scenario files drive what the emulated model "says" and which tools it calls.
// The format is documented in README.md next to this file.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const regexFlags = z.string().regex(/^[dgimsuvy]*$/, 'unknown regular expression flag');

export const sayActionSchema = z.union([
  z.string().min(1),
  z.strictObject({ text: z.string().min(1) }),
]);

export const functionCallActionSchema = z.strictObject({
  name: z.string().min(1),
  /** Arguments object; string values may use `$0`..`$9` captures of a `text` match. */
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export const matchSchema = z.union([
  z.strictObject({ text: regexSource, flags: regexFlags.optional() }),
  z.strictObject({ turn: z.number().int().nonnegative() }),
  z.strictObject({ any: z.literal(true) }),
  z.strictObject({ instructions: regexSource, flags: regexFlags.optional() }),
]);

/**
 * A bad day, acted out once per rule (per emulator, across reconnects); the response after it
 * answers the same turn normally. See README "Fault actions".
 */
export const faultSchema = z.discriminatedUnion('type', [
  /** `response.done` with `status: "failed"` and no output. */
  z.strictObject({ type: z.literal('failed') }),
  /** Part of the answer, then `response.done` with `status: "incomplete"` and the reason. */
  z.strictObject({
    type: z.literal('incomplete'),
    reason: z.enum(['max_output_tokens', 'content_filter']),
  }),
  /** An `error` event of type `server_error`, then `response.done` failed. */
  z.strictObject({ type: z.literal('server_error') }),
  /** `response.create` refused with `conversation_already_has_active_response`. */
  z.strictObject({ type: z.literal('already_active') }),
  /** The socket drops (TCP, no close frame) `afterMs` into the answer. */
  z.strictObject({ type: z.literal('drop'), afterMs: z.number().int().nonnegative().default(300) }),
  /** `session_expired` and a 1001 close `afterMs` into the answer. */
  z.strictObject({
    type: z.literal('session_expired'),
    afterMs: z.number().int().nonnegative().default(300),
  }),
]);

/** `rate_limits.updated` sent at the start of the response (e.g. near zero remaining). */
export const rateLimitsSchema = z.strictObject({
  requests: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
});

const actionsShape = {
  function_call: z.union([functionCallActionSchema, z.array(functionCallActionSchema).min(1)]),
  say: sayActionSchema,
  /** Spoken in the same response, before the function call(s). */
  preamble: sayActionSchema,
  fault: faultSchema,
  rate_limits: rateLimitsSchema,
};

/** What answers after the tool outputs instead of `say`: more calls (chained) and/or speech. */
export const thenSchema = z
  .strictObject({
    function_call: actionsShape.function_call.optional(),
    say: actionsShape.say.optional(),
    preamble: actionsShape.preamble.optional(),
  })
  .refine((a) => a.function_call !== undefined || a.say !== undefined, {
    message: '`then` needs `say` and/or `function_call`',
  });

export const actionsSchema = z
  .strictObject({
    function_call: actionsShape.function_call.optional(),
    say: actionsShape.say.optional(),
    preamble: actionsShape.preamble.optional(),
    then: thenSchema.optional(),
    fault: actionsShape.fault.optional(),
    rate_limits: actionsShape.rate_limits.optional(),
  })
  .refine((a) => a.function_call !== undefined || a.say !== undefined, {
    message: 'needs `say` and/or `function_call`',
  });

export const ruleSchema = z
  .strictObject({
    /** Optional label, shown in logs and in the emulator's response records. */
    id: z.string().optional(),
    match: matchSchema,
    /** What the user "said": the input transcription of an audio turn matched by `turn`/`any`. */
    transcript: z.string().optional(),
    function_call: actionsShape.function_call.optional(),
    say: actionsShape.say.optional(),
    preamble: actionsShape.preamble.optional(),
    then: thenSchema.optional(),
    fault: actionsShape.fault.optional(),
    rate_limits: actionsShape.rate_limits.optional(),
  })
  .refine(
    (r) => r.function_call !== undefined || r.say !== undefined || r.transcript !== undefined,
    {
      message: 'a rule needs `say`, `function_call` or `transcript`',
    },
  )
  .refine((r) => r.transcript === undefined || 'turn' in r.match || 'any' in r.match, {
    message: '`transcript` only applies to rules matching by `turn` or `any`',
  });

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /**
   * `realtime`: one 50 ms audio chunk every 50 ms; `fast`: as fast as the socket takes them;
   * `burst`: `burstFactor` times faster than real time, `response.done` right after the last
   * delta (OpenAI: "the server will produce audio faster than realtime").
   */
  audioPacing: z.enum(['realtime', 'fast', 'burst']).default('realtime'),
  burstFactor: z.number().min(1).default(4),
  /** Delay before the first content of each response (time to first token). */
  responseDelayMs: z.number().int().nonnegative().default(0),
  msPerChar: z.number().positive().default(60),
  minAudioMs: z.number().int().positive().default(400),
  maxAudioMs: z.number().int().positive().default(8000),
  /** Transcript of an audio turn that no rule gives a transcript for. */
  defaultTranscript: z.string().default(''),
  /** Used when `response.create` arrives with no unanswered user turn and no pending tool reply. */
  greeting: actionsSchema.optional(),
  /** Used when nothing else matches. */
  fallback: actionsSchema.default({ say: 'Sorry, I cannot help with that.' }),
  rules: z.array(ruleSchema).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioRule = z.output<typeof ruleSchema>;
export type ScenarioActions = z.output<typeof actionsSchema>;
export type FunctionCallAction = z.output<typeof functionCallActionSchema>;
export type Fault = z.output<typeof faultSchema>;
export type RateLimits = z.output<typeof rateLimitsSchema>;

export function parseScenario(input: unknown): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const details = result.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`invalid emulator scenario: ${details}`);
  }
  return result.data;
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`scenario ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json);
}

export function sayText(say: ScenarioActions['say']): string | undefined {
  if (say === undefined) return undefined;
  return typeof say === 'string' ? say : say.text;
}

export function functionCalls(fc: ScenarioActions['function_call']): FunctionCallAction[] {
  if (fc === undefined) return [];
  return Array.isArray(fc) ? fc : [fc];
}

/** Values available to `$n` and `{{...}}` placeholders. */
export interface TemplateContext {
  captures: readonly string[];
  /** The user's text (typed text or the audio turn's transcript). */
  text?: string;
  /** Outputs of the tool calls of this rule, in call order. */
  outputs?: readonly string[];
}

function lookupPath(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Replaces `$0`..`$9` with regex captures, `{{text}}` with the user's text, `{{output}}` with the
 * first tool output, `{{outputs.N}}` with the Nth, and `{{output.a.b}}` / `{{outputs.N.a.b}}` with a
 * field of a JSON tool output.
 */
export function applyTemplate(template: string, ctx: TemplateContext): string {
  const withCaptures = template.replace(
    /\$(\d)/g,
    (_m, d: string) => ctx.captures[Number(d)] ?? '',
  );
  return withCaptures.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, expr: string) => {
    const [head, ...rest] = expr.split('.');
    if (head === 'text') return ctx.text ?? '';
    let raw: string | undefined;
    let path = rest;
    if (head === 'output') {
      raw = ctx.outputs?.[0];
    } else if (head === 'outputs') {
      raw = ctx.outputs?.[Number(rest[0])];
      path = rest.slice(1);
    } else {
      return _m;
    }
    if (raw === undefined) return '';
    if (path.length === 0) return raw;
    try {
      return stringify(lookupPath(JSON.parse(raw), path));
    } catch {
      return '';
    }
  });
}

/** Applies `$n` substitution to every string inside the arguments object. */
export function applyArgumentTemplate(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return applyTemplate(value, ctx);
  if (Array.isArray(value)) return value.map((v) => applyArgumentTemplate(v, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, applyArgumentTemplate(v, ctx)]),
    );
  }
  return value;
}

export interface TurnRuleMatch {
  rule: ScenarioRule;
  index: number;
  captures: string[];
}

/** First rule with actions that matches a user turn (`text` regex, `turn` index or `any`). */
export function matchUserTurn(
  scenario: Scenario,
  turn: { index: number; text: string },
): TurnRuleMatch | undefined {
  for (const [index, rule] of scenario.rules.entries()) {
    if (rule.say === undefined && rule.function_call === undefined) continue;
    const m = rule.match;
    if ('text' in m) {
      const found = new RegExp(m.text, m.flags ?? 'i').exec(turn.text);
      if (found) return { rule, index, captures: found.map((c) => c ?? '') };
    } else if ('turn' in m) {
      if (m.turn === turn.index) return { rule, index, captures: [] };
    } else if ('any' in m) {
      return { rule, index, captures: [] };
    }
  }
  return undefined;
}

/** First rule matching the per-response instructions (for responses without a user turn). */
export function matchInstructions(
  scenario: Scenario,
  instructions: string,
): TurnRuleMatch | undefined {
  for (const [index, rule] of scenario.rules.entries()) {
    if (rule.say === undefined && rule.function_call === undefined) continue;
    const m = rule.match;
    if ('instructions' in m) {
      const found = new RegExp(m.instructions, m.flags ?? 'i').exec(instructions);
      if (found) return { rule, index, captures: found.map((c) => c ?? '') };
    }
  }
  return undefined;
}

/** Transcript for audio turn `index`: the first `turn`/`any` rule that has one. */
export function transcriptForAudioTurn(scenario: Scenario, index: number): string {
  for (const rule of scenario.rules) {
    if (rule.transcript === undefined) continue;
    const m = rule.match;
    if (('turn' in m && m.turn === index) || 'any' in m) return rule.transcript;
  }
  return scenario.defaultTranscript;
}
