import { describe, expect, it } from 'vitest';
import { classifyServerEvent } from './model-trouble.js';

describe('classifyServerEvent', () => {
  it('reports failed and incomplete responses, not completed or cancelled ones', () => {
    const done = (status: string, status_details?: unknown) => ({
      type: 'response.done',
      response: { status, status_details },
    });
    expect(
      classifyServerEvent(
        done('failed', { type: 'failed', error: { type: 'server_error', code: 'server_error' } }),
      ),
    ).toEqual({ kind: 'response_failed', detail: 'server_error' });
    expect(
      classifyServerEvent(done('incomplete', { type: 'incomplete', reason: 'max_output_tokens' })),
    ).toEqual({
      kind: 'response_incomplete',
      reason: 'max_output_tokens',
    });
    expect(
      classifyServerEvent(done('incomplete', { type: 'incomplete', reason: 'content_filter' })),
    ).toEqual({
      kind: 'response_incomplete',
      reason: 'content_filter',
    });
    expect(classifyServerEvent(done('completed'))).toBeNull();
    expect(
      classifyServerEvent(done('cancelled', { type: 'cancelled', reason: 'turn_detected' })),
    ).toBeNull();
  });

  it('reports server errors, a refused create and an expired session; ignores other errors', () => {
    const error = (body: Record<string, unknown>) => ({ type: 'error', error: body });
    expect(
      classifyServerEvent(error({ type: 'server_error', code: null, message: 'boom' })),
    ).toEqual({
      kind: 'server_error',
      detail: 'boom',
    });
    expect(
      classifyServerEvent(
        error({ type: 'invalid_request_error', code: 'conversation_already_has_active_response' }),
      ),
    ).toEqual({ kind: 'busy' });
    expect(
      classifyServerEvent(error({ type: 'invalid_request_error', code: 'session_expired' })),
    ).toEqual({
      kind: 'session_expired',
    });
    expect(
      classifyServerEvent(error({ type: 'invalid_request_error', code: 'invalid_value' })),
    ).toBeNull();
  });

  it('reports rate limits only when nearly exhausted', () => {
    const limits = (requests: number, tokens: number) => ({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', remaining: requests, limit: 1000 },
        { name: 'tokens', remaining: tokens, limit: 100000 },
      ],
    });
    expect(classifyServerEvent(limits(500, 50_000))).toBeNull();
    expect(classifyServerEvent(limits(0, 12))).toEqual({
      kind: 'rate_limited',
      remaining: { requests: 0, tokens: 12 },
    });
  });
});
