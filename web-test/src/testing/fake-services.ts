// Services for tests: no network, no LiveKit server, no audio.
import { Room } from 'livekit-client';
import type { Services } from '../services';
import { TokenError } from '../token';

export interface FakeServices extends Services {
  saved: { fileName: string; text: string }[];
  stored: Map<string, string>;
}

export function fakeServices(overrides: Partial<Services> = {}): FakeServices {
  const saved: FakeServices['saved'] = [];
  const stored = new Map<string, string>();
  return {
    fetchToken: () => Promise.reject(new TokenError('no token in tests', 500, 'internal_error')),
    createRoom: () => new Room(),
    connectRoom: () => Promise.resolve(),
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
  };
}
