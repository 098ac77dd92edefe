import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenError, type TokenFetcher } from './token';
import { endpointTokenFetcher, sessionTokenSource } from './token-source';

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
    );
  });
  return calls;
}

describe('endpointTokenFetcher (livekit-client TokenSource.endpoint)', () => {
  it('posts the standard request with the passcode header; caller ID only when set', async () => {
    const calls = stubFetch(201, { server_url: 'ws://127.0.0.1:7880', participant_token: 'jwt' });
    const fetchToken = endpointTokenFetcher('/api/token');

    await expect(fetchToken({ passcode: 'open sesame' })).resolves.toEqual({
      serverUrl: 'ws://127.0.0.1:7880',
      participantToken: 'jwt',
    });
    await fetchToken({ passcode: '', callerNumber: '+14155550100' });

    expect(calls).toHaveLength(2);
    const [first, second] = calls;
    expect(first!.url).toBe('/api/token');
    expect(first!.init.method).toBe('POST');
    expect(new Headers(first!.init.headers).get('X-QA-Passcode')).toBe('open sesame');
    expect(JSON.parse(String(first!.init.body))).toEqual({});
    expect(new Headers(second!.init.headers).has('X-QA-Passcode')).toBe(false);
    expect(JSON.parse(String(second!.init.body))).toEqual({
      participant_attributes: { 'qa.caller_number': '+14155550100' },
    });
  });

  it('turns a refusal into a TokenError with the API’s code and message', async () => {
    stubFetch(403, {
      error: {
        code: 'field_not_allowed',
        message:
          'participant_attributes.qa.caller_number: caller-ID testing is turned off on this server (QA_ALLOW_CALLER_ID)',
      },
    });
    const failure = await endpointTokenFetcher()({
      passcode: 'x',
      callerNumber: '+14155550100',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenError);
    expect(failure).toMatchObject({ status: 403, code: 'field_not_allowed' });
    expect((failure as TokenError).message).toMatch(/caller-ID testing is turned off/);
  });
});

describe('sessionTokenSource (the fixed TokenSource useSession fetches through)', () => {
  const details = { serverUrl: 'ws://127.0.0.1:7880', participantToken: 'jwt' };
  const settled = (promise: Promise<unknown>) =>
    Promise.race([
      promise.then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise((resolve) => setTimeout(resolve, 20, 'pending')),
    ]);

  it('asks for a token only when armed, once per arm', async () => {
    const fetchToken = vi.fn<TokenFetcher>(() => Promise.resolve(details));
    const tokens = sessionTokenSource(fetchToken);

    // useSession's own fetches (on mount, after a session) wait and ask nothing.
    expect(await settled(tokens.source.fetch())).toBe('pending');
    expect(fetchToken).not.toHaveBeenCalled();

    const onToken = vi.fn(() => true);
    tokens.arm({ passcode: 'p', callerNumber: '+14155550100' }, onToken);
    await expect(tokens.source.fetch()).resolves.toEqual(details);
    expect(fetchToken).toHaveBeenCalledExactlyOnceWith({
      passcode: 'p',
      callerNumber: '+14155550100',
    });
    expect(onToken).toHaveBeenCalledWith(details);
    expect(await settled(tokens.source.fetch())).toBe('pending');

    tokens.arm({ passcode: 'p' }, onToken);
    tokens.disarm();
    expect(await settled(tokens.source.fetch())).toBe('pending');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('fails with a TokenError, or when the start was cancelled meanwhile', async () => {
    const tokens = sessionTokenSource(() => Promise.reject(new TypeError('Failed to fetch')));
    tokens.arm({ passcode: '' }, () => true);
    const failure = await tokens.source.fetch().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenError);
    expect(failure).toMatchObject({ message: 'Failed to fetch', status: undefined });

    const cancelled = sessionTokenSource(() => Promise.resolve(details));
    cancelled.arm({ passcode: '' }, () => false);
    const refusal = await cancelled.source.fetch().catch((error: unknown) => error);
    expect(refusal).not.toBeInstanceOf(TokenError);
    expect(refusal).toMatchObject({ message: 'The session was cancelled' });
  });
});
