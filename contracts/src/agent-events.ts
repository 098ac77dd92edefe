// The agent's live events on the room data topic `agent.events` (contract:
// agent/src/observability/README.md), checked at runtime: a message that does not match the contract is
// ignored (and counted), never half-shown.

export const AGENT_EVENTS_TOPIC = 'agent.events';
export const AGENT_EVENTS_VERSION = 1;

export const AGENT_STATES = ['initializing', 'idle', 'listening', 'thinking', 'speaking'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export const TOOL_STATUSES = ['ok', 'error', 'timeout', 'blocked', 'unavailable'] as const;
export type ToolStatus = (typeof TOOL_STATUSES)[number];

/**
 * Where a session stands in the switchboard's call queue: `waiting` (sent by the switchboard's
 * voice in the room, again whenever the position changes), `connected` (sent by the agent when it
 * came from the queue), `full` (the switchboard asks to call again later, then hangs up).
 */
export const QUEUE_STATES = ['waiting', 'connected', 'full'] as const;
export type QueueStateName = (typeof QUEUE_STATES)[number];

interface EventBase {
  v: 1;
  /** Epoch ms when the agent saw the event (the agent's clock). */
  at: number;
}

export interface AgentStateEvent extends EventBase {
  type: 'agent_state';
  state: AgentStateName;
}

export interface ToolCallEvent extends EventBase {
  type: 'tool_call';
  callId: string;
  name: string;
  args: unknown;
  status: ToolStatus;
  durationMs: number;
  result?: unknown;
  error?: string;
  /** `result` did not fit in one packet: it is a prefix of the result's JSON. */
  truncated?: true;
}

export interface LatencyEvent extends EventBase {
  type: 'latency';
  turn: number;
  endOfSpeechToFirstAudioMs?: number;
  eouDelayMs?: number;
  ttftMs?: number;
  toolMs: number;
}

export interface CallEndedEvent extends EventBase {
  type: 'call_ended';
  reason: string;
}

export interface QueueEvent extends EventBase {
  type: 'queue';
  state: QueueStateName;
  /** `waiting`: the place in line now (1 = next); `connected`: the place on entering the queue. */
  position?: number;
  /** How long the session had waited in the queue when the message was sent. */
  waitedMs?: number;
}

export type AgentEvent =
  AgentStateEvent | ToolCallEvent | LatencyEvent | CallEndedEvent | QueueEvent;

export type ParseResult =
  | { ok: true; event: AgentEvent }
  /** `ignored`: a valid message of a type or version this page does not know (not an error). */
  | { ok: false; ignored: boolean; reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

function fail(reason: string): ParseResult {
  return { ok: false, ignored: false, reason };
}

/** Optional non-negative number fields: absent is fine, anything but a duration is not. */
function optionalDurations(message: Json, fields: readonly string[]): string | undefined {
  for (const field of fields)
    if (field in message && message[field] !== undefined && !isDuration(message[field]))
      return `${field} is not a non-negative number`;
  return undefined;
}

/** Checks one decoded message against the contract. */
export function parseAgentEvent(message: unknown): ParseResult {
  if (!isObject(message)) return fail('not a JSON object');
  const { type, v, at } = message;
  if (typeof type !== 'string') return fail('type is missing');
  if (v !== AGENT_EVENTS_VERSION)
    return typeof v === 'number'
      ? { ok: false, ignored: true, reason: `contract version ${v}` }
      : fail('v is missing');
  if (typeof at !== 'number' || !Number.isFinite(at) || at <= 0) return fail('at is not epoch ms');

  switch (type) {
    case 'agent_state': {
      if (!isOneOf(AGENT_STATES, message.state)) return fail('state is not an agent state');
      return { ok: true, event: { type, v, at, state: message.state } };
    }
    case 'tool_call': {
      const { callId, name, status, durationMs, error, truncated } = message;
      if (typeof callId !== 'string' || callId === '') return fail('callId is missing');
      if (typeof name !== 'string' || name === '') return fail('name is missing');
      if (!('args' in message)) return fail('args is missing');
      if (!isOneOf(TOOL_STATUSES, status)) return fail('status is not a tool status');
      if (!isDuration(durationMs)) return fail('durationMs is not a non-negative number');
      if (error !== undefined && typeof error !== 'string') return fail('error is not a string');
      if (truncated !== undefined && truncated !== true) return fail('truncated is not true');
      if (truncated && typeof message.result !== 'string')
        return fail('a truncated result must be a string');
      const event: ToolCallEvent = {
        type,
        v,
        at,
        callId,
        name,
        args: message.args,
        status,
        durationMs,
      };
      if ('result' in message) event.result = message.result;
      if (error !== undefined) event.error = error;
      if (truncated) event.truncated = true;
      return { ok: true, event };
    }
    case 'latency': {
      const { turn, toolMs } = message;
      if (typeof turn !== 'number' || !Number.isInteger(turn) || turn < 1)
        return fail('turn is not a positive integer');
      if (!isDuration(toolMs)) return fail('toolMs is not a non-negative number');
      const bad = optionalDurations(message, ['endOfSpeechToFirstAudioMs', 'eouDelayMs', 'ttftMs']);
      if (bad) return fail(bad);
      const event: LatencyEvent = { type, v, at, turn, toolMs };
      if (isDuration(message.endOfSpeechToFirstAudioMs))
        event.endOfSpeechToFirstAudioMs = message.endOfSpeechToFirstAudioMs;
      if (isDuration(message.eouDelayMs)) event.eouDelayMs = message.eouDelayMs;
      if (isDuration(message.ttftMs)) event.ttftMs = message.ttftMs;
      return { ok: true, event };
    }
    case 'call_ended': {
      if (typeof message.reason !== 'string' || message.reason === '')
        return fail('reason is missing');
      return { ok: true, event: { type, v, at, reason: message.reason } };
    }
    case 'queue': {
      const { state, position, waitedMs } = message;
      if (!isOneOf(QUEUE_STATES, state)) return fail('state is not a queue state');
      if (position !== undefined && !(Number.isInteger(position) && (position as number) >= 1))
        return fail('position is not a positive integer');
      const bad = optionalDurations(message, ['waitedMs']);
      if (bad) return fail(bad);
      const event: QueueEvent = { type, v, at, state };
      if (typeof position === 'number') event.position = position;
      if (isDuration(waitedMs)) event.waitedMs = waitedMs;
      return { ok: true, event };
    }
    default:
      return { ok: false, ignored: true, reason: `unknown type ${JSON.stringify(type)}` };
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** One data packet's payload (UTF-8 JSON) → a checked event. */
export function decodeAgentEvent(payload: Uint8Array): ParseResult {
  let message: unknown;
  try {
    message = JSON.parse(decoder.decode(payload));
  } catch {
    return fail('not UTF-8 JSON');
  }
  return parseAgentEvent(message);
}
