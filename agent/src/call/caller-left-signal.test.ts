import { EventEmitter } from 'node:events';
import { AGENT_CALL_ENDED_ATTRIBUTE } from '@ecommerce-voicebot/contracts';
import { RoomEvent } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../testing/recording-logger.js';
import { signalCallerLeft, type SignalRoom } from './caller-left-signal.js';

function fakeRoom(fail = false) {
  const set: Record<string, string>[] = [];
  const emitter = new EventEmitter();
  const room = Object.assign(emitter, {
    localParticipant: {
      setAttributes: async (attributes: Record<string, string>) => {
        if (fail) throw new Error('engine closed');
        set.push(attributes);
      },
    },
  }) as unknown as SignalRoom & EventEmitter;
  return { room, set };
}

describe('signalCallerLeft', () => {
  it("marks the agent's call ended when its caller leaves, once, and not for anyone else", async () => {
    const { room, set } = fakeRoom();
    signalCallerLeft(room, 'sip_+15550100', recordingLogger().logger);
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'switchboard-1' });
    await Promise.resolve();
    expect(set).toEqual([]);
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'sip_+15550100' });
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'sip_+15550100' });
    await Promise.resolve();
    expect(set).toEqual([{ [AGENT_CALL_ENDED_ATTRIBUTE]: '1' }]);
  });

  it('keeps going when the room is already closing', async () => {
    const { room } = fakeRoom(true);
    const { logger, lines } = recordingLogger();
    signalCallerLeft(room, 'caller', logger);
    room.emit(RoomEvent.ParticipantDisconnected, { identity: 'caller' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.some((line) => line.includes('call end not signalled'))).toBe(true);
  });
});
