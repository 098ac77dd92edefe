import { describe, expect, it } from 'vitest';
import { TokenError, describeTokenError, tokenErrorFromSdk } from './token';

describe('tokenErrorFromSdk', () => {
  it('reads the API error out of the endpoint TokenSource’s message', () => {
    const error = tokenErrorFromSdk(
      new Error(
        'Error generating token from endpoint /api/token: received 401 / ' +
          '{"error":{"code":"unauthorized","message":"A valid X-QA-Passcode header is required"}}',
      ),
    );
    expect(error).toBeInstanceOf(TokenError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe('A valid X-QA-Passcode header is required');
  });

  it('falls back to the body text, or to "not reached"', () => {
    const proxy = tokenErrorFromSdk(
      new Error(
        'Error generating token from endpoint /api/token: received 502 / <h1>Bad Gateway</h1>',
      ),
    );
    expect(proxy.status).toBe(502);
    expect(proxy.message).toBe('Bad Gateway');
    const offline = tokenErrorFromSdk(new TypeError('Failed to fetch'));
    expect(offline.status).toBeUndefined();
    expect(describeTokenError(offline, false).title).toBe('Could not reach the token API');
  });
});

describe('describeTokenError', () => {
  it('says clearly that caller-ID testing is off', () => {
    const error = new TokenError(
      'participant_attributes.qa.caller_number: caller-ID testing is turned off on this server (QA_ALLOW_CALLER_ID)',
      403,
      'field_not_allowed',
    );
    const description = describeTokenError(error, true);
    expect(description.title).toBe('This server does not allow caller-ID testing');
    expect(description.message).toBe(error.message);
    expect(description.hint).toMatch(/Clear the caller-ID field/);
  });
});
