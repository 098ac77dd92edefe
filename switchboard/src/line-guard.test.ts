import { describe, expect, it } from 'vitest';
import { ParticipantInfo_Kind } from '@livekit/protocol';
import { pino } from 'pino';
import { createAgentPresence } from './agent-presence.js';
import { createCallerKeys } from './caller-key.js';
import { createCallLimits } from './call-limits.js';
import { createLineGuard } from './line-guard.js';
import type { LineQueue } from './line-queue.js';
import { webhookEvent } from './testing/webhooks.js';

const NUMBER = '+14155550100';

function setup(lines: string[] = []) {
  const ended: string[] = [];
  const timers: (() => void)[] = [];
  const limits = createCallLimits({
    lineMaxCalls: 2,
    callerMaxCalls: 1,
    callerMaxNewCalls: 10,
    callerWindowMs: 60_000,
    trunkMaxNewCallsPerMinute: 100,
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const guard = createLineGuard({
    limits,
    callerKey: createCallerKeys(),
    logger,
    hangUp: async (room) => void ended.push(room),
    setTimer: (callback) => void timers.push(callback),
  });
  const fireTimers = () => timers.splice(0).forEach((callback) => callback());
  return { guard, ended, limits, fireTimers };
}

/** A guard with room for every call, counting agents in `presence` and telling `queue`. */
function presenceSetup(queue?: LineQueue) {
  const presence = createAgentPresence();
  const guard = createLineGuard({
    limits: createCallLimits({
      lineMaxCalls: 9,
      callerMaxCalls: 9,
      callerMaxNewCalls: 9,
      callerWindowMs: 60_000,
      trunkMaxNewCallsPerMinute: 100,
    }),
    callerKey: createCallerKeys(),
    logger: pino({ level: 'silent' }),
    hangUp: async () => undefined,
    presence,
    ...(queue ? { queue } : {}),
  });
  return { presence, guard };
}

describe('line guard', () => {
  it('hangs up a call over a limit once the bridge published its audio, and only that one', async () => {
    const { guard, ended } = setup();
    await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('track_published', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('participant_joined', { room: 'call-2', number: NUMBER }));
    expect(ended).toEqual([]);
    // livekit-server's track_published carries the participant without its kind.
    const kind = ParticipantInfo_Kind.STANDARD;
    await guard.handle(webhookEvent('track_published', { room: 'call-2', number: NUMBER, kind }));
    expect(ended).toEqual(['call-2']);
  });

  it('hangs up at once when the audio came first, and after the fallback delay without it', async () => {
    const { guard, ended, fireTimers } = setup();
    await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('track_published', { room: 'call-2', number: NUMBER }));
    await guard.handle(webhookEvent('participant_joined', { room: 'call-2', number: NUMBER }));
    expect(ended).toEqual(['call-2']);
    await guard.handle(webhookEvent('participant_joined', { room: 'call-3', number: NUMBER }));
    fireTimers();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(['call-2', 'call-3']);
    // Once: the audio arriving after the fallback does not hang up twice.
    await guard.handle(webhookEvent('track_published', { room: 'call-3', number: NUMBER }));
    expect(ended).toEqual(['call-2', 'call-3']);
  });

  it('frees the place when the caller leaves or the room closes', async () => {
    const { guard, ended, limits } = setup();
    await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('participant_left', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('participant_joined', { room: 'call-2', number: NUMBER }));
    await guard.handle(webhookEvent('room_finished', { room: 'call-2' }));
    expect(limits.openCalls).toBe(0);
    expect(ended).toEqual([]);
  });

  it("ignores the agent and browser participants outside testers' rooms", async () => {
    const { guard, limits } = setup();
    await guard.handle(
      webhookEvent('participant_joined', {
        room: 'call-1',
        identity: 'agent-AJ_1',
        kind: ParticipantInfo_Kind.AGENT,
      }),
    );
    await guard.handle(
      webhookEvent('participant_joined', {
        room: 'other-1',
        identity: 'viewer',
        kind: ParticipantInfo_Kind.STANDARD,
      }),
    );
    expect(limits.openCalls).toBe(0);
  });

  it('never logs the caller number', async () => {
    const lines: string[] = [];
    const { guard } = setup(lines);
    await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('participant_joined', { room: 'call-2', number: NUMBER }));
    expect(lines.join('')).toContain('call refused');
    expect(lines.join('')).toContain('caller_busy');
    expect(lines.join('')).not.toContain('4155550100');
  });

  it('counts agents in calls, and frees one when it leaves though the event has no kind', async () => {
    const { presence, guard } = presenceSetup();
    const agent = { room: 'call-1', identity: 'agent-AJ_1', kind: ParticipantInfo_Kind.AGENT };
    await guard.handle(webhookEvent('participant_joined', agent));
    expect(presence.count()).toBe(1);
    await guard.handle(
      webhookEvent('participant_left', { ...agent, kind: ParticipantInfo_Kind.STANDARD }),
    );
    expect(presence.count()).toBe(0);
  });

  it('tells the queue an agent is freeing up when a served caller hangs up, not when others leave', async () => {
    let freed = 0;
    const { guard } = presenceSetup({
      agentFreed: () => void (freed += 1),
      agentJoined: () => undefined,
      callerLeft: () => undefined,
      roomClosed: () => undefined,
    } as unknown as LineQueue);
    await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
    await guard.handle(webhookEvent('participant_joined', { room: 'call-2', number: NUMBER }));
    const agent = { room: 'call-1', identity: 'agent-AJ_1', kind: ParticipantInfo_Kind.AGENT };
    await guard.handle(webhookEvent('participant_joined', agent));
    // The switchboard's voice leaving, and a caller hanging up who had no agent: nothing freed.
    await guard.handle(
      webhookEvent('participant_left', {
        room: 'call-1',
        identity: 'switchboard-1',
        kind: ParticipantInfo_Kind.STANDARD,
      }),
    );
    await guard.handle(webhookEvent('participant_left', { room: 'call-2', number: NUMBER }));
    expect(freed).toBe(0);
    await guard.handle(webhookEvent('participant_left', { room: 'call-1', number: NUMBER }));
    expect(freed).toBe(1);
    // Its agent leaving next frees it again: the queue's window of retries starts over.
    await guard.handle(webhookEvent('participant_left', agent));
    expect(freed).toBe(2);
  });

  describe('QA testers', () => {
    const tester = (room: string, identity = `tester-${room}`) => ({
      room,
      identity,
      kind: ParticipantInfo_Kind.STANDARD,
    });

    function testerSetup() {
      const waiting: string[] = [];
      const ended: string[] = [];
      const limits = createCallLimits({
        lineMaxCalls: 2,
        callerMaxCalls: 1,
        callerMaxNewCalls: 1,
        callerWindowMs: 60_000,
        trunkMaxNewCallsPerMinute: 1,
      });
      const lines: string[] = [];
      const guard = createLineGuard({
        limits,
        callerKey: createCallerKeys(),
        logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
        hangUp: async (room, identity) => void ended.push(`${room}/${identity}`),
        agentWatch: {
          callerWaiting: (room, identity) => void waiting.push(`${room}/${identity}`),
          agentJoined: () => undefined,
          agentLost: async () => undefined,
          callerLeft: () => undefined,
          roomClosed: () => undefined,
        },
        setTimer: () => undefined,
      });
      return { guard, limits, waiting, ended, lines };
    }

    it("waits for an agent from the tester's join, once, whatever they publish", async () => {
      const { guard, limits, waiting } = testerSetup();
      await guard.handle(webhookEvent('participant_joined', tester('qa-1')));
      expect(waiting).toEqual(['qa-1/tester-qa-1']);
      await guard.handle(webhookEvent('track_published', tester('qa-1')));
      expect(waiting).toEqual(['qa-1/tester-qa-1']);
      expect(limits.openCalls).toBe(1);
    });

    it('counts testers on the line, without caller or trunk limits, and frees their place', async () => {
      const { guard, limits, ended } = testerSetup();
      // Two testers and back: past the per-caller and per-trunk limits of one.
      await guard.handle(webhookEvent('participant_joined', tester('qa-1')));
      await guard.handle(webhookEvent('participant_left', tester('qa-1')));
      await guard.handle(webhookEvent('participant_joined', tester('qa-2')));
      await guard.handle(webhookEvent('room_finished', { room: 'qa-2' }));
      expect(limits.openCalls).toBe(0);
      await guard.handle(webhookEvent('participant_joined', tester('qa-3')));
      await guard.handle(webhookEvent('participant_joined', tester('qa-4')));
      expect(ended).toEqual([]);
      expect(limits.openCalls).toBe(2);
    });

    it("removes a tester over the line's cap at once", async () => {
      const { guard, waiting, ended, lines } = testerSetup();
      await guard.handle(webhookEvent('participant_joined', { room: 'call-1', number: NUMBER }));
      await guard.handle(webhookEvent('participant_joined', tester('qa-1')));
      await guard.handle(webhookEvent('participant_joined', tester('qa-2')));
      expect(ended).toEqual(['qa-2/tester-qa-2']);
      expect(waiting).toEqual(['qa-1/tester-qa-1']);
      expect(lines.join('')).toContain('tester session refused');
    });

    it("is not fooled by the switchboard's own voice in a tester's room", async () => {
      const { guard, limits, waiting } = testerSetup();
      await guard.handle(webhookEvent('participant_joined', tester('qa-1', 'switchboard-abc')));
      expect(limits.openCalls).toBe(0);
      expect(waiting).toEqual([]);
    });
  });
});
