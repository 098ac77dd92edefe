import { DEFAULT_AGENT_NAME, QA_CALLER_NUMBER_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { parseTokenRequest, type TokenRequestPolicy } from './token-request.js';

const policy: TokenRequestPolicy = { agentName: DEFAULT_AGENT_NAME, allowCallerId: false };
const callerIdOn: TokenRequestPolicy = { ...policy, allowCallerId: true };

function refusal(body: unknown, with_: TokenRequestPolicy = policy): ApiError {
  try {
    parseTokenRequest(body, with_);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseTokenRequest', () => {
  it('accepts an empty or missing body', () => {
    expect(parseTokenRequest(undefined, policy)).toEqual({});
    expect(parseTokenRequest({}, policy)).toEqual({});
  });

  it('treats null and empty strings as not set, as other SDKs may send them', () => {
    expect(
      parseTokenRequest(
        {
          room_name: '',
          participant_identity: null,
          participant_name: '  ',
          participant_metadata: '',
          participant_attributes: {},
          room_config: null,
        },
        policy,
      ),
    ).toEqual({});
  });

  it('keeps a trimmed participant name', () => {
    expect(parseTokenRequest({ participant_name: '  Ana García 🎧 ' }, policy)).toEqual({
      participantName: 'Ana García 🎧',
    });
    expect(parseTokenRequest({ participant_name: 'x'.repeat(64) }, policy).participantName).toBe(
      'x'.repeat(64),
    );
  });

  it.each([
    [{ participant_name: 'x'.repeat(65) }, 400, 'participant_name: must be at most 64 characters'],
    [{ participant_name: 'Ana\nBob' }, 400, 'participant_name: must not contain control'],
    [{ participant_name: 'Ana\u202eboB' }, 400, 'participant_name: must not contain control'],
    [{ participant_name: 42 }, 400, 'participant_name: Invalid input'],
    [[], 400, 'The body must be a JSON object'],
    ['text', 400, 'The body must be a JSON object'],
    [{ surprise: true }, 400, 'Unrecognized key'],
    [{ participant_attributes: { a: 1 } }, 400, 'participant_attributes.a'],
    [{ room_name: 'my-room' }, 403, 'room_name: the server creates a new room'],
    [{ participant_identity: 'me' }, 403, 'participant_identity: the server assigns'],
    [{ participant_metadata: '{}' }, 403, 'participant_metadata: may not be set'],
    [{ participant_attributes: { role: 'admin' } }, 403, `only "${QA_CALLER_NUMBER_ATTRIBUTE}"`],
    [
      { participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: '+14155550100' } },
      403,
      'caller-ID testing is turned off',
    ],
    [{ room_config: { agents: [{ agent_name: 'other' }] } }, 403, 'room_config: the server'],
    [
      { room_config: { agents: [{ agent_name: DEFAULT_AGENT_NAME, metadata: '{"x":1}' }] } },
      403,
      'room_config',
    ],
    [
      {
        room_config: {
          agents: [{ agent_name: DEFAULT_AGENT_NAME }, { agent_name: DEFAULT_AGENT_NAME }],
        },
      },
      403,
      'room_config',
    ],
    [{ room_config: { max_participants: 50 } }, 403, 'room_config'],
    [{ room_config: { agents: 'all' } }, 400, 'room_config: is not a LiveKit RoomConfiguration'],
    [{ room_config: { bogus: 1 } }, 400, 'room_config: is not a LiveKit RoomConfiguration'],
  ])('refuses %j with %i', (body, status, message) => {
    const error = refusal(body);
    expect(error.status).toBe(status);
    expect(error.message).toContain(message);
  });

  it('accepts a room_config naming our agent, as client SDKs send it (either JSON casing)', () => {
    for (const agent of [{ agent_name: DEFAULT_AGENT_NAME }, { agentName: DEFAULT_AGENT_NAME }]) {
      expect(parseTokenRequest({ room_config: { agents: [agent] } }, policy)).toEqual({});
    }
    expect(parseTokenRequest({ room_config: {} }, policy)).toEqual({});
  });

  it('honours an E.164 caller number only when caller-ID testing is allowed', () => {
    const body = { participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: '+14155550100' } };
    expect(parseTokenRequest(body, callerIdOn)).toEqual({ callerNumber: '+14155550100' });
    for (const number of [
      '2025550123',
      '+0202555012',
      '+1 202 555 0123',
      '+12345',
      '+1202555012345678',
    ]) {
      const error = refusal(
        { participant_attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: number } },
        callerIdOn,
      );
      expect(error.status).toBe(400);
      expect(error.message).toContain('must be an E.164 number');
      expect(error.message).not.toContain(number);
    }
  });
});
