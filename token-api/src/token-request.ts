// The body of LiveKit's standardized token endpoint, and what of it a QA tester may choose.
import { isE164, QA_CALLER_NUMBER_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { z } from 'zod';
import { FieldNotAllowedError, InvalidRequestError } from './errors.js';

export const MAX_PARTICIPANT_NAME = 64;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** What the tester asked for, once checked. */
export interface TokenRequest {
  participantName?: string | undefined;
  /** E.164; only when caller-ID testing is allowed. */
  callerNumber?: string | undefined;
}

export interface TokenRequestPolicy {
  agentName: string;
  allowCallerId: boolean;
}

// Clients built on protobuf JSON omit unset fields; others may send null. Both mean "not set".
const optionalString = z.string().nullish();

/**
 * Every field of the standard request. Unknown top-level fields are refused: a client sending
 * one expects something this endpoint does not do.
 */
const bodySchema = z.strictObject({
  room_name: optionalString,
  participant_identity: optionalString,
  participant_name: optionalString,
  participant_metadata: optionalString,
  participant_attributes: z.record(z.string(), z.string()).nullish(),
  room_config: z.unknown().optional(),
});

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** An empty string means "not chosen" as much as a missing field does. */
function given(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value !== '';
}

function checkName(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return undefined;
  if ([...name].length > MAX_PARTICIPANT_NAME)
    throw new InvalidRequestError(
      `participant_name: must be at most ${MAX_PARTICIPANT_NAME} characters`,
    );
  if (CONTROL_CHARACTERS.test(name))
    throw new InvalidRequestError('participant_name: must not contain control characters');
  return name;
}

/** What client SDKs send when told the agent name: `{ agents: [{ agent_name }] }`. */
function onlyNamesAgent(raw: unknown, agentName: string): boolean {
  if (typeof raw !== 'object' || raw === null || Object.keys(raw).length !== 1) return false;
  const agents = (raw as { agents?: unknown }).agents;
  if (!Array.isArray(agents) || agents.length !== 1) return false;
  const agent: unknown = agents[0];
  if (typeof agent !== 'object' || agent === null || Object.keys(agent).length !== 1) return false;
  const { agent_name, agentName: camel } = agent as { agent_name?: unknown; agentName?: unknown };
  return (agent_name ?? camel) === agentName;
}

function checkRoomConfig(raw: unknown, agentName: string): void {
  if (raw === undefined || raw === null) return;
  // The common case without building protobuf messages; anything else is judged below.
  if (onlyNamesAgent(raw, agentName)) return;
  let config: RoomConfiguration;
  try {
    // Protobuf JSON, as client SDKs send it: snake_case or camelCase names, unknown fields refused.
    config = RoomConfiguration.fromJson(raw as never);
  } catch {
    throw new InvalidRequestError('room_config: is not a LiveKit RoomConfiguration');
  }
  if (RoomConfiguration.equals(config, new RoomConfiguration())) return;
  const ours = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName })] });
  if (!RoomConfiguration.equals(config, ours))
    throw new FieldNotAllowedError(
      `room_config: the server dispatches the agent "${agentName}" to every session; ` +
        'a room_config may only name that agent (no other agent, metadata or room settings)',
    );
}

function checkAttributes(
  attributes: Record<string, string>,
  allowCallerId: boolean,
): string | undefined {
  let callerNumber: string | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (key !== QA_CALLER_NUMBER_ATTRIBUTE)
      throw new FieldNotAllowedError(
        `participant_attributes: only "${QA_CALLER_NUMBER_ATTRIBUTE}" may be set`,
      );
    if (value === '') continue;
    if (!allowCallerId)
      throw new FieldNotAllowedError(
        `participant_attributes.${QA_CALLER_NUMBER_ATTRIBUTE}: caller-ID testing is turned off on this server (QA_ALLOW_CALLER_ID)`,
      );
    if (!isE164(value))
      throw new InvalidRequestError(
        `participant_attributes.${QA_CALLER_NUMBER_ATTRIBUTE}: must be an E.164 number like +14155550100`,
      );
    callerNumber = value;
  }
  return callerNumber;
}

/**
 * Checks a token request body against what a tester may choose. Throws an ApiError (400 for a
 * malformed body, 403 for a field the server assigns); messages never echo the values sent.
 */
export function parseTokenRequest(body: unknown, policy: TokenRequestPolicy): TokenRequest {
  const parsed = bodySchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'invalid_type' && issue.path.length === 0)
      throw new InvalidRequestError('The body must be a JSON object');
    throw new InvalidRequestError(describe(issue));
  }
  const request = parsed.data;
  if (given(request.room_name))
    throw new FieldNotAllowedError('room_name: the server creates a new room for every session');
  if (given(request.participant_identity))
    throw new FieldNotAllowedError(
      'participant_identity: the server assigns a new identity to every session',
    );
  if (given(request.participant_metadata))
    throw new FieldNotAllowedError('participant_metadata: may not be set by testers');
  checkRoomConfig(request.room_config, policy.agentName);
  const callerNumber = checkAttributes(request.participant_attributes ?? {}, policy.allowCallerId);
  const participantName = given(request.participant_name)
    ? checkName(request.participant_name)
    : undefined;
  return { participantName, callerNumber };
}
