import { describe, expect, it } from 'vitest';
import { fakeRealtimeModel } from '../testing/fake-realtime-model.js';
import type { RealtimeServerEvent } from './server-events.js';
import { createUnansweredTurnWatch, watchUnansweredTurns } from './unanswered-turns.js';

/** Timers and deferred checks run by hand. */
function manualTimers() {
  const timers = new Set<{ callback: () => void }>();
  const deferred: (() => void)[] = [];
  return {
    setTimer: (callback: () => void) => {
      const timer = { callback };
      timers.add(timer);
      return timer;
    },
    clearTimer: (timer: unknown) => void timers.delete(timer as { callback: () => void }),
    defer: (callback: () => void) => void deferred.push(callback),
    /** The grace period passes: due timers fire (their checks wait in `deferred`). */
    elapse() {
      for (const timer of [...timers]) {
        timers.delete(timer);
        timer.callback();
      }
    },
    runDeferred() {
      for (const callback of deferred.splice(0)) callback();
    },
    get pending() {
      return timers.size;
    },
  };
}

function setup() {
  const timers = manualTimers();
  const answered: string[] = [];
  const watch = createUnansweredTurnWatch({
    answer: (itemId) => answered.push(itemId),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    defer: timers.defer,
  });
  const watcher = watch.session();
  const send = (...list: RealtimeServerEvent[]) => list.forEach((event) => watcher.event(event));
  const pass = () => {
    timers.elapse();
    timers.runDeferred();
  };
  return { watch, watcher, timers, answered, send, pass };
}

const speechStarted = { type: 'input_audio_buffer.speech_started', item_id: 'item_1' };
const speechStopped = { type: 'input_audio_buffer.speech_stopped', item_id: 'item_1' };
const committed = (item: string) => ({ type: 'input_audio_buffer.committed', item_id: item });
const created = (id: string) => ({ type: 'response.created', response: { id } });
const done = (id: string, status = 'completed') => ({
  type: 'response.done',
  response: { id, status },
});

describe('createUnansweredTurnWatch', () => {
  it('asks for an answer once to a turn that ended during a response the agent then cancelled', () => {
    // The events of the call left in silence (bench:scale at 0.3 core): the greeting started
    // between the caller's speech start and end, the model made no response for the turn, and
    // the agent cancelled its greeting because the caller spoke.
    const { send, pass, answered } = setup();
    send(speechStarted, created('resp_greeting'), speechStopped, committed('item_1'));
    pass();
    expect(answered).toEqual([]); // the greeting is still in progress
    send(done('resp_greeting', 'cancelled'));
    pass();
    expect(answered).toEqual(['item_1']);
    pass();
    expect(answered).toEqual(['item_1']);
  });

  it('leaves a turn alone that the model answers', () => {
    const { send, pass, answered, timers } = setup();
    send(speechStarted, speechStopped, committed('item_1'), created('resp_1'));
    expect(timers.pending).toBe(0);
    send(done('resp_1'));
    pass();
    expect(answered).toEqual([]);
  });

  it('answers a turn that ended while an answer played out in full, once it is over', () => {
    const { send, pass, answered } = setup();
    send(created('resp_1'), speechStarted, speechStopped, committed('item_2'));
    pass();
    expect(answered).toEqual([]);
    send(done('resp_1'));
    pass();
    expect(answered).toEqual(['item_2']);
  });

  it('waits while the caller speaks again: the next turn is answered by the model', () => {
    const { send, pass, answered } = setup();
    send(speechStarted, created('resp_1'), speechStopped, committed('item_1'));
    send(done('resp_1', 'cancelled'), speechStarted);
    pass();
    expect(answered).toEqual([]);
    send(speechStopped, committed('item_2'), created('resp_2'));
    pass();
    expect(answered).toEqual([]);
  });

  it("does not ask when the model's response was already waiting as the timer fired", () => {
    // An event loop stalled past the grace period runs the timer before the socket's data.
    const { send, timers, answered } = setup();
    send(speechStarted, speechStopped, committed('item_1'));
    timers.elapse();
    send(created('resp_1'));
    timers.runDeferred();
    expect(answered).toEqual([]);
  });

  it('asks nothing once stopped', () => {
    const { send, pass, answered, watch } = setup();
    send(speechStarted, speechStopped, committed('item_1'));
    watch.stop();
    pass();
    expect(answered).toEqual([]);
  });

  it('forgets a response cut off by a reconnect: the next turn is watched again', () => {
    const { send, pass, answered, watcher } = setup();
    send(created('resp_1'));
    watcher.reconnected!(); // resp_1 never gets its response.done
    send(speechStarted, speechStopped, committed('item_2'));
    pass();
    expect(answered).toEqual(['item_2']);
  });
});

describe('watchUnansweredTurns', () => {
  it("watches each agent activity's model session on its own", () => {
    const { model, sessions } = fakeRealtimeModel();
    const timers = manualTimers();
    const answered: string[] = [];
    watchUnansweredTurns(model, {
      answer: (itemId) => answered.push(itemId),
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      defer: timers.defer,
    });
    const emit = (index: number, event: RealtimeServerEvent) =>
      sessions[index]!.emit('openai_server_event_received', event);

    model.session();
    emit(0, committed('item_old'));
    model.session(); // a new agent activity (a handoff): the old session's turn is not ours
    timers.elapse();
    timers.runDeferred();
    expect(answered).toEqual([]);

    emit(1, committed('item_new'));
    timers.elapse();
    timers.runDeferred();
    expect(answered).toEqual(['item_new']);
  });
});
