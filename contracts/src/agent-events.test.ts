import { describe, expect, it } from 'vitest';
import { decodeAgentEvent, parseAgentEvent } from './agent-events.js';

const AT = 1763632800123;

describe('agent.events queue messages', () => {
  it('reads each queue state, with its optional position and wait', () => {
    expect(
      parseAgentEvent({ type: 'queue', v: 1, at: AT, state: 'waiting', position: 2, waitedMs: 0 }),
    ).toEqual({
      ok: true,
      event: { type: 'queue', v: 1, at: AT, state: 'waiting', position: 2, waitedMs: 0 },
    });
    expect(
      parseAgentEvent({
        type: 'queue',
        v: 1,
        at: AT,
        state: 'connected',
        position: 1,
        waitedMs: 12_345,
      }),
    ).toMatchObject({ ok: true, event: { state: 'connected', waitedMs: 12_345 } });
    expect(parseAgentEvent({ type: 'queue', v: 1, at: AT, state: 'full' })).toEqual({
      ok: true,
      event: { type: 'queue', v: 1, at: AT, state: 'full' },
    });
  });

  it('drops fields outside the contract', () => {
    const result = parseAgentEvent({ type: 'queue', v: 1, at: AT, state: 'full', room: 'qa-1' });
    expect(result).toEqual({ ok: true, event: { type: 'queue', v: 1, at: AT, state: 'full' } });
  });

  it.each([
    [{ state: 'queued' }, 'state is not a queue state'],
    [{ state: undefined }, 'state is not a queue state'],
    [{ state: 'waiting', position: 0 }, 'position is not a positive integer'],
    [{ state: 'waiting', position: 1.5 }, 'position is not a positive integer'],
    [{ state: 'waiting', position: '2' }, 'position is not a positive integer'],
    [{ state: 'waiting', waitedMs: -1 }, 'waitedMs is not a non-negative number'],
    [{ state: 'waiting', waitedMs: '12' }, 'waitedMs is not a non-negative number'],
  ])('refuses %j', (fields, reason) => {
    expect(parseAgentEvent({ type: 'queue', v: 1, at: AT, ...fields })).toEqual({
      ok: false,
      ignored: false,
      reason,
    });
  });

  it('ignores a newer version, as for every message', () => {
    expect(parseAgentEvent({ type: 'queue', v: 2, at: AT, state: 'waiting' })).toMatchObject({
      ok: false,
      ignored: true,
    });
  });

  it('decodes one from a data packet', () => {
    const payload = new TextEncoder().encode(
      JSON.stringify({ type: 'queue', v: 1, at: AT, state: 'waiting', position: 1 }),
    );
    expect(decodeAgentEvent(payload)).toMatchObject({ ok: true, event: { position: 1 } });
  });
});
