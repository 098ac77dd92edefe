import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  createCallGuard,
  MAX_DURATION_GOODBYE_INSTRUCTIONS,
  NUDGE_INSTRUCTIONS,
  SILENCE_GOODBYE_INSTRUCTIONS,
  STILL_THERE_INSTRUCTIONS,
} from './call-guard.js';

class FakeSession extends EventEmitter {
  replies: string[] = [];
  generateReply({ instructions }: { instructions: string }) {
    this.replies.push(instructions);
    return { waitForPlayout: async () => {} };
  }
}

function setup() {
  const session = new FakeSession();
  const hangUps: string[] = [];
  let modelLost = 0;
  // Pending timers by delay: the maximum call duration (900 s) and the reply watchdog (15 s).
  const timers = new Map<object, { callback: () => void; ms: number }>();
  const fire = (ms: number) => {
    for (const [handle, timer] of timers) {
      if (timer.ms !== ms) continue;
      timers.delete(handle);
      timer.callback();
      return;
    }
    throw new Error(`no pending ${ms} ms timer`);
  };
  const pending = (ms: number) => [...timers.values()].filter((timer) => timer.ms === ms).length;
  const guard = createCallGuard({
    session,
    maxCallSeconds: 900,
    replyTimeoutMs: 15_000,
    hangUp: async (reason) => void hangUps.push(reason),
    onModelLost: async () => void modelLost++,
    setTimer: (callback, ms) => {
      const handle = {};
      timers.set(handle, { callback, ms });
      return handle;
    },
    clearTimer: (handle) => timers.delete(handle as object),
  });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { session, hangUps, modelLost: () => modelLost, fire, pending, guard, flush };
}

describe('createCallGuard', () => {
  it('asks whether the caller is still there, then says goodbye and hangs up', async () => {
    const { session, hangUps, flush } = setup();
    session.emit('user_state_changed', { newState: 'away' });
    expect(session.replies).toEqual([STILL_THERE_INSTRUCTIONS]);
    session.emit('user_state_changed', { newState: 'away' });
    await flush();
    expect(session.replies).toEqual([STILL_THERE_INSTRUCTIONS, SILENCE_GOODBYE_INSTRUCTIONS]);
    expect(hangUps).toEqual(['caller_silent']);
  });

  it('starts counting again when the caller speaks', async () => {
    const { session, hangUps, flush } = setup();
    session.emit('user_state_changed', { newState: 'away' });
    session.emit('user_state_changed', { newState: 'speaking' });
    session.emit('user_state_changed', { newState: 'away' });
    await flush();
    expect(session.replies).toEqual([STILL_THERE_INSTRUCTIONS, STILL_THERE_INSTRUCTIONS]);
    expect(hangUps).toEqual([]);
  });

  it('ends the call politely at the maximum duration', async () => {
    const { session, hangUps, fire, flush } = setup();
    fire(900_000);
    await flush();
    expect(session.replies).toEqual([MAX_DURATION_GOODBYE_INSTRUCTIONS]);
    expect(hangUps).toEqual(['max_duration']);
  });

  it('hands over to the fallback when the session closes on an error, not on a normal end', () => {
    const first = setup();
    first.session.emit('close', { reason: 'participant_disconnected', error: null });
    expect(first.modelLost()).toBe(0);
    expect(first.pending(900_000) + first.pending(15_000)).toBe(0);
    const second = setup();
    second.session.emit('close', { reason: 'error', error: new Error('model gone') });
    expect(second.modelLost()).toBe(1);
  });

  it('nudges a silent model once, then hands over to the fallback', () => {
    const { session, fire, modelLost } = setup();
    // No greeting within 15 s of the start.
    fire(15_000);
    expect(session.replies).toEqual([NUDGE_INSTRUCTIONS]);
    fire(15_000);
    expect(modelLost()).toBe(1);
  });

  it('expects a reply after each caller turn and keypad input, satisfied by the agent speaking', () => {
    const { session, fire, pending, modelLost, guard } = setup();
    session.emit('agent_state_changed', { newState: 'speaking' });
    expect(pending(15_000)).toBe(0);
    session.emit('user_state_changed', { oldState: 'speaking', newState: 'listening' });
    expect(pending(15_000)).toBe(1);
    session.emit('agent_state_changed', { newState: 'speaking' });
    expect(pending(15_000)).toBe(0);
    guard.expectReply();
    fire(15_000);
    session.emit('agent_state_changed', { newState: 'speaking' });
    guard.expectReply();
    fire(15_000);
    expect(modelLost()).toBe(0);
    expect(session.replies).toEqual([NUDGE_INSTRUCTIONS, NUDGE_INSTRUCTIONS]);
  });
});
