// The token fetcher the page uses: livekit-client's endpoint TokenSource against our API.
import { TokenSource, type TokenSourceFetchOptions } from 'livekit-client';
import { QA_CALLER_NUMBER_ATTRIBUTE } from './caller-id';
import {
  PASSCODE_HEADER,
  TOKEN_ENDPOINT,
  tokenErrorFromSdk,
  type ConnectionDetails,
  type TokenFetcher,
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
