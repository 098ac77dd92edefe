// Services for tests: no network, no LiveKit server, no audio.
import { ConnectionState, DisconnectReason, Room, RoomEvent } from 'livekit-client';
import type { Services } from '../services';
import { TokenError, type ConnectionDetails } from '../token';

export interface FakeServices extends Services {
  saved: { fileName: string; text: string }[];
  stored: Map<string, string>;
  /** What each room was connected with. */
  connections: ConnectionDetails[];
  /** The rooms createRoom gave out. */
  rooms: Room[];
}

const base64Url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An unsigned JWT shaped like the token API's (useSession decodes it; nobody checks it). */
export function fakeParticipantToken(room = 'qa-test', identity = 'tester'): string {
  const payload = { sub: identity, video: { room, roomJoin: true }, exp: 4_102_444_800 };
  return `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url(payload)}.signature`;
}

/**
 * A real Room whose connect and disconnect only change its state, as a LiveKit server would let
 * them: what useSession and the page's listeners see.
 */
export function fakeRoom(connections: ConnectionDetails[]): Room {
  const room = new Room();
  const setState = (state: ConnectionState) => {
    room.state = state;
    room.emit(RoomEvent.ConnectionStateChanged, state);
  };
  room.connect = (serverUrl, participantToken) => {
    connections.push({ serverUrl, participantToken });
    setState(ConnectionState.Connecting);
    setState(ConnectionState.Connected);
    return Promise.resolve();
  };
  room.disconnect = () => {
    if (room.state !== ConnectionState.Disconnected) {
      setState(ConnectionState.Disconnected);
      room.emit(RoomEvent.Disconnected, DisconnectReason.CLIENT_INITIATED);
    }
    return Promise.resolve();
  };
  return room;
}

export function fakeServices(overrides: Partial<Services> = {}): FakeServices {
  const saved: FakeServices['saved'] = [];
  const stored = new Map<string, string>();
  const connections: ConnectionDetails[] = [];
  const rooms: Room[] = [];
  return {
    fetchToken: () => Promise.reject(new TokenError('no token in tests', 500, 'internal_error')),
    createRoom: () => {
      const room = fakeRoom(connections);
      rooms.push(room);
      return room;
    },
    createPhoneProcessor: () => {
      throw new Error('no audio processing in tests');
    },
    storage: {
      getItem: (key) => stored.get(key) ?? null,
      setItem: (key, value) => void stored.set(key, value),
      removeItem: (key) => void stored.delete(key),
    },
    saveFile: (fileName, text) => void saved.push({ fileName, text }),
    now: () => Date.now(),
    ...overrides,
    saved,
    stored,
    connections,
    rooms,
  };
}
