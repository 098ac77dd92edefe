// The `error` bodies the emulator answers with, in OpenAI's shape and wording. Where the wording is
// known from OpenAI's replies it is copied (see the README's "documented versus assumed" list).
import type { z } from 'zod';
import type { RealtimeError } from './wire-types.js';

/** An `error` event's body: `RealtimeError` with every field present (null when unknown). */
export interface RealtimeErrorBody extends RealtimeError {
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

type Issue = z.core.$ZodIssue;

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function list(values: readonly unknown[]): string {
  const shown = values.map(describe);
  if (shown.length <= 2) return shown.join(' and ');
  return `${shown.slice(0, -1).join(', ')}, and ${shown.at(-1)}`;
}

/**
 * Of a failed union, the branch that was meant: the first whose issues are not all about the JS
 * type (a string given where the string branch exists reports that branch's complaint).
 */
function pickUnionIssue(issue: Extract<Issue, { code: 'invalid_union' }>): Issue | null {
  for (const branch of issue.errors) {
    if (branch.length > 0 && branch.some((i) => i.code !== 'invalid_type')) {
      const first = branch.find((i) => i.code !== 'invalid_type') ?? branch[0]!;
      return { ...first, path: [...issue.path, ...first.path] } as Issue;
    }
  }
  return null;
}

/** Turns the first zod issue into an OpenAI-style error (`unknown_parameter`, `invalid_value`, ...). */
export function zodIssueToError(
  issues: readonly Issue[],
  prefix: string,
  clientEventId: string | null,
): RealtimeErrorBody {
  let issue: Issue | undefined = issues[0];
  if (issue?.code === 'invalid_union' && issue.errors.length === 0 && 'discriminator' in issue) {
    // A discriminated union with no matching `type` (or `role`): the discriminator is wrong.
    const key = String(issue.discriminator);
    const param = [prefix, ...issue.path.map(String), key].filter(Boolean).join('.');
    const value = (issue.input as Record<string, unknown> | undefined)?.[key];
    return {
      type: 'invalid_request_error',
      code: value === undefined ? 'missing_required_parameter' : 'invalid_value',
      message:
        value === undefined
          ? `Missing required parameter: '${param}'.`
          : `Invalid value: ${describe(value)}.`,
      param,
      event_id: clientEventId,
    };
  }
  while (issue?.code === 'invalid_union') issue = pickUnionIssue(issue) ?? undefined;
  const param = issue ? [prefix, ...issue.path.map(String)].filter(Boolean).join('.') : prefix;
  const error = (code: string, message: string, p: string | null = param): RealtimeErrorBody => ({
    type: 'invalid_request_error',
    code,
    message,
    param: p,
    event_id: clientEventId,
  });
  if (!issue) return error('invalid_value', `Invalid value for '${param}'.`);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const full = param ? `${param}.${key}` : key;
    return error('unknown_parameter', `Unknown parameter: '${full}'.`, full);
  }
  if (issue.code === 'custom') {
    const openaiCode = (issue.params?.openaiCode as string | undefined) ?? 'invalid_value';
    if (issue.params?.verbatim) return error(openaiCode, issue.message);
    if (openaiCode === 'missing_required_parameter') {
      return error(openaiCode, `Missing required parameter: '${param}'.`);
    }
    if (openaiCode === 'unknown_parameter')
      return error(openaiCode, `Unknown parameter: '${param}'.`);
    return error(openaiCode, `Invalid value for '${param}': ${issue.message}.`);
  }
  if (
    issue.input === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value')
  ) {
    return error('missing_required_parameter', `Missing required parameter: '${param}'.`);
  }
  if (issue.code === 'invalid_value') {
    return error(
      'invalid_value',
      `Invalid value: ${describe(issue.input)}. Supported values are: ${list(issue.values)}.`,
    );
  }
  if (issue.code === 'invalid_type') {
    return error(
      'invalid_type',
      `Invalid type for '${param}': expected ${issue.expected}, but got ${typeof issue.input} instead.`,
    );
  }
  return error('invalid_value', `Invalid value for '${param}': ${issue.message}.`);
}

/**
 * `function_call_output` whose `call_id` matches no `function_call` in the conversation. Wording,
 * code and the null `event_id`/`param` as OpenAI replied in livekit/agents#3344.
 */
export function invalidToolCallId(callId: string): RealtimeErrorBody {
  return {
    type: 'invalid_request_error',
    code: 'invalid_tool_call_id',
    message: `Tool call ID '${callId}' not found in conversation.`,
    param: null,
    event_id: null,
  };
}

function durationText(ms: number): string {
  const [n, unit] =
    ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [Math.round(ms / 100) / 10, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The message OpenAI sends (as the error and as the close reason) when a session hits its limit. */
export function sessionExpiredMessage(limitMs: number): string {
  return `Your session hit the maximum duration of ${durationText(limitMs)}.`;
}

/** Sent before the close when the session limit is reached (shape from OpenAI's replies). */
export function sessionExpired(limitMs: number): RealtimeErrorBody {
  return {
    type: 'invalid_request_error',
    code: 'session_expired',
    message: sessionExpiredMessage(limitMs),
    param: null,
    event_id: null,
  };
}
