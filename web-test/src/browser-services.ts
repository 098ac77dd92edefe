// The real services: our token API through livekit-client's endpoint TokenSource, LiveKit rooms,
// the AudioWorklet phone filter and browser downloads.
import { Room } from 'livekit-client';
import workletUrl from './audio/phone-filter.worklet.ts?worker&url';
import { createPhoneAudioProcessor } from './audio/phone-processor';
import type { Services } from './services';
import { endpointTokenFetcher } from './token-source';

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage disabled
  }
}

function saveFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function browserServices(): Services {
  return {
    fetchToken: endpointTokenFetcher(),
    createRoom: () =>
      new Room({
        // One voice agent, no video: nothing to adapt.
        adaptiveStream: false,
        dynacast: false,
        audioCaptureDefaults: {
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
        },
      }),
    createPhoneProcessor: () => createPhoneAudioProcessor(workletUrl),
    storage: sessionStorageOrUndefined(),
    saveFile,
    now: () => Date.now(),
  };
}
