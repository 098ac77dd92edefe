// What the page needs from the outside world, injected through context so tests need no network,
// no LiveKit server and no module mocks.
import { createContext, useContext } from 'react';
import type { Room } from 'livekit-client';
import type { PhoneAudioProcessor } from './audio/phone-processor';
import type { TokenFetcher } from './token';

export interface Services {
  /** Token from our API (the endpoint TokenSource in the browser); one per session. */
  fetchToken: TokenFetcher;
  /** The page's room, not yet connected: components-react's useSession connects it per session. */
  createRoom(): Room;
  /** The "phone audio" processor for the microphone track. */
  createPhoneProcessor(): PhoneAudioProcessor;
  /** Where the passcode is kept for the tab's lifetime (sessionStorage). */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /** Offers a file to the tester (the session record). */
  saveFile(fileName: string, text: string): void;
  now(): number;
}

export const ServicesContext = createContext<Services | undefined>(undefined);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices: no ServicesContext provider');
  return services;
}
