import { EventEmitter } from 'node:events';
import { ParticipantKind, RoomEvent, type RemoteParticipant } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  OPENING_DEADLINE_MS,
  OPENING_LEAD_MS,
  openingLeadMs,
  SWITCHBOARD_YIELD_MS,
  switchboardSpeaking,
  waitForCaller,
} from './call-session.js';

type FakeRoom = Parameters<typeof waitForCaller>[0];

const member = (identity: string, kind: ParticipantKind) =>
  ({ identity, kind }) as unknown as RemoteParticipant;
const CALLER = member('sip_+1555', ParticipantKind.SIP);
const SWITCHBOARD = member('switchboard-1f2e', ParticipantKind.STANDARD);
const AGENT = member('agent-AJ_1', ParticipantKind.AGENT);

function fakeRoom(present: RemoteParticipant[] = []) {
  const events = new EventEmitter();
  const room = {
    remoteParticipants: new Map(present.map((p) => [p.identity, p])),
    on: (event: string, listener: (...args: unknown[]) => void) => events.on(event, listener),
    off: (event: string, listener: (...args: unknown[]) => void) => events.off(event, listener),
  } as unknown as FakeRoom;
  return { room, events };
}

describe('waitForCaller', () => {
  it('returns the caller already in the room, never the switchboard or another agent', async () => {
    const { room } = fakeRoom([SWITCHBOARD, AGENT, CALLER]);
    expect(await waitForCaller(room, 1_000)).toBe(CALLER);
  });

  it('waits past the switchboard for the caller who joins', async () => {
    const { room, events } = fakeRoom([SWITCHBOARD]);
    const waiting = waitForCaller(room, 1_000);
    events.emit(RoomEvent.ParticipantConnected, AGENT);
    events.emit(RoomEvent.ParticipantConnected, CALLER);
    expect(await waiting).toBe(CALLER);
    expect(events.listenerCount(RoomEvent.ParticipantConnected)).toBe(0);
  });

  it('gives up when nobody joins in time, or the room closes', async () => {
    expect(await waitForCaller(fakeRoom([SWITCHBOARD]).room, 20)).toBeUndefined();
    const { room, events } = fakeRoom();
    const waiting = waitForCaller(room, 5_000);
    events.emit(RoomEvent.Disconnected);
    expect(await waiting).toBeUndefined();
  });
});

describe('switchboardSpeaking', () => {
  const withTracks = (participant: RemoteParticipant, tracks: number) =>
    ({
      identity: participant.identity,
      kind: participant.kind,
      trackPublications: new Map(Array.from({ length: tracks }, (_, i) => [`TR_${i}`, {}])),
    }) as unknown as RemoteParticipant;

  it("is true only while the switchboard's voice has audio in the room", () => {
    expect(switchboardSpeaking([withTracks(SWITCHBOARD, 1), withTracks(CALLER, 1)])).toBe(true);
    // Joined ahead of time, silent: the agent's opening line still plays.
    expect(switchboardSpeaking([withTracks(SWITCHBOARD, 0), withTracks(CALLER, 1)])).toBe(false);
    expect(switchboardSpeaking([withTracks(AGENT, 1), withTracks(CALLER, 1)])).toBe(false);
  });
});

describe('openingLeadMs', () => {
  it('waits the full lead for an agent that joined soon after the caller', () => {
    expect(openingLeadMs(10_000, 10_500)).toBe(OPENING_LEAD_MS);
  });

  it('shortens the wait for an agent that joined late, down to none', () => {
    expect(openingLeadMs(10_000, 10_000 + OPENING_DEADLINE_MS - 300)).toBe(300);
    expect(openingLeadMs(10_000, 10_000 + OPENING_DEADLINE_MS + 5_000)).toBe(0);
  });

  it("leaves the switchboard's cut-off queue message time to stop, never longer than the lead", () => {
    expect(openingLeadMs(10_000, 10_000 + OPENING_DEADLINE_MS + 5_000, true)).toBe(
      SWITCHBOARD_YIELD_MS,
    );
    expect(openingLeadMs(10_000, 10_500, true)).toBe(OPENING_LEAD_MS);
  });

  it('keeps to its bounds when the join time is unknown or from a clock ahead of ours', () => {
    expect(openingLeadMs(0, 10_000)).toBe(OPENING_LEAD_MS);
    expect(openingLeadMs(20_000, 10_000)).toBe(OPENING_LEAD_MS);
  });
});
