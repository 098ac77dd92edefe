// Microphone failures, explained for testers.
import type { ErrorDescription } from './token';

export type MicrophoneFailure = 'denied' | 'not-found' | 'in-use' | 'insecure' | 'other';

export function classifyMicrophoneError(error: unknown): MicrophoneFailure {
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'not-found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
  }
  if (/permission|denied|not allowed/i.test(message)) return 'denied';
  if (typeof navigator !== 'undefined' && !navigator.mediaDevices) return 'insecure';
  return 'other';
}

export function describeMicrophoneError(error: unknown): ErrorDescription {
  const message = error instanceof Error ? error.message : String(error);
  switch (classifyMicrophoneError(error)) {
    case 'denied':
      return {
        title: 'Microphone access was denied',
        message,
        hint:
          'Allow the microphone for this site (the icon at the left of the address bar, or the ' +
          'browser’s site settings), then press “Turn microphone on”. The agent can still be heard ' +
          'and the keypad still works.',
      };
    case 'not-found':
      return {
        title: 'No microphone found',
        message,
        hint: 'Plug in a microphone or pick another one in the list, then turn the microphone on.',
      };
    case 'in-use':
      return {
        title: 'The microphone could not be started',
        message,
        hint: 'Another application may be using it. Close it or pick another microphone.',
      };
    case 'insecure':
      return {
        title: 'The browser offers no microphone on this address',
        message,
        hint: 'Microphones need HTTPS or localhost. Open the tester through https:// or on this machine.',
      };
    case 'other':
      return { title: 'The microphone failed', message };
  }
}
