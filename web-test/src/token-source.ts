// Tokens for the page: livekit-client's endpoint TokenSource against our API, and the TokenSource
// useSession fetches through.
import { TokenSource, type TokenSourceFetchOptions, type TokenSourceFixed } from 'livekit-client';
import { QA_CALLER_NUMBER_ATTRIBUTE } from './caller-id';
import {
  PASSCODE_HEADER,
  TOKEN_ENDPOINT,
  tokenErrorFromSdk,
  type ConnectionDetails,
  type TokenFetcher,
  type TokenRequest,
} from './token';

/**
 * Fetches a token with `TokenSource.endpoint` (LiveKit's standard endpoint format). Every session
 * gets a new room, so the source's cache is bypassed (`force`).
 */
export function endpointTokenFetcher(url = TOKEN_ENDPOINT): TokenFetcher {
  return async ({ passcode, callerNumber }): Promise<ConnectionDetails> => {
    const headers: Record<string, string> = {};
    if (passcode !== '') headers[PASSCODE_HEADER] = passcode;
    const source = TokenSource.endpoint(url, {
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
    });
    const options: TokenSourceFetchOptions = {};
    if (callerNumber)
      options.participantAttributes = { [QA_CALLER_NUMBER_ATTRIBUTE]: callerNumber };
    try {
      const { serverUrl, participantToken } = await source.fetch(options, true);
      return { serverUrl, participantToken };
    } catch (error) {
      throw tokenErrorFromSdk(error);
    }
  };
}

/** The TokenSource for components-react's useSession: one token from our API per Start. */
export interface SessionTokenSource {
  source: TokenSourceFixed;
  /**
   * The next fetch sends `request`. `onToken` gets the answer before the room connects; when it
   * returns false (the start was cancelled meanwhile) the fetch fails and nothing connects.
   */
  arm(request: TokenRequest, onToken: (details: ConnectionDetails) => boolean): void;
  disarm(): void;
}

/**
 * A fixed TokenSource (no cache) that asks `fetchToken` only when armed, once. useSession also
 * fetches on its own: when it mounts (prepareConnection) and after every session (a token ready
 * for the next one). Our token depends on the passcode and caller ID of the next Start, so those
 * fetches find nothing armed and stay pending: no token is asked for without the tester.
 */
export function sessionTokenSource(fetchToken: TokenFetcher): SessionTokenSource {
  let next: { request: TokenRequest; onToken: (details: ConnectionDetails) => boolean } | undefined;
  const source = TokenSource.literal(async () => {
    const armed = next;
    next = undefined;
    if (!armed) return new Promise<never>(() => undefined);
    let details;
    try {
      details = await fetchToken(armed.request);
    } catch (error) {
      throw tokenErrorFromSdk(error);
    }
    if (!armed.onToken(details)) throw new Error('The session was cancelled');
    return details;
  });
  return {
    source,
    arm: (request, onToken) => void (next = { request, onToken }),
    disarm: () => void (next = undefined),
  };
}
