// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConnectionState, DisconnectReason, RoomEvent } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { PASSCODE_STORAGE_KEY } from '../hooks/usePasscode';
import { ServicesContext, type Services } from '../services';
import { fakeParticipantToken, fakeRoom, fakeServices } from '../testing/fake-services';
import { TokenError, type TokenFetcher } from '../token';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function denyMicrophone() {
  vi.stubGlobal('navigator', {
    ...navigator,
    mediaDevices: {
      getUserMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
      enumerateDevices: () => Promise.resolve([]),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    },
  });
}

const participantToken = fakeParticipantToken();
const connected = {
  fetchToken: () => Promise.resolve({ serverUrl: 'ws://127.0.0.1:7880', participantToken }),
};

function renderApp(overrides: Partial<Services> = {}) {
  const services = fakeServices(overrides);
  const user = userEvent.setup();
  render(
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>,
  );
  return { services, user };
}

describe('session controls', () => {
  it('shows the token API’s error message when the passcode is refused', async () => {
    const fetchToken = vi.fn<TokenFetcher>(() =>
      Promise.reject(
        new TokenError('A valid X-QA-Passcode header is required', 401, 'unauthorized'),
      ),
    );
    const { user, services } = renderApp({ fetchToken });

    await user.type(screen.getByLabelText('QA passcode'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Start session' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Passcode refused');
    expect(alert).toHaveTextContent('A valid X-QA-Passcode header is required');
    expect(fetchToken).toHaveBeenCalledWith({ passcode: 'wrong', callerNumber: undefined });
    expect(services.stored.get(PASSCODE_STORAGE_KEY)).toBe('wrong');
    expect(screen.getByRole('button', { name: 'Start session' })).toBeEnabled();
    expect(screen.getByText('Not connected.')).toBeInTheDocument();
  });

  it('says clearly when the server does not allow caller ID, and offers to clear it', async () => {
    const fetchToken = vi.fn<TokenFetcher>(() =>
      Promise.reject(
        new TokenError(
          'participant_attributes.qa.caller_number: caller-ID testing is turned off on this server (QA_ALLOW_CALLER_ID)',
          403,
          'field_not_allowed',
        ),
      ),
    );
    const { user } = renderApp({ fetchToken });
    await user.type(screen.getByLabelText(/Caller ID/), '+1 415 555 0100');
    await user.click(screen.getByRole('button', { name: 'Start session' }));

    expect(fetchToken).toHaveBeenCalledWith({ passcode: '', callerNumber: '+14155550100' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This server does not allow caller-ID testing');
    expect(alert).toHaveTextContent('caller-ID testing is turned off on this server');

    await user.click(screen.getByRole('button', { name: 'Clear caller ID' }));
    expect(screen.getByLabelText(/Caller ID/)).toHaveValue('');
    expect(screen.getByLabelText(/Caller ID/)).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('does not ask for a token with a caller ID that is not E.164', async () => {
    const fetchToken = vi.fn<TokenFetcher>();
    const { user } = renderApp({ fetchToken });
    await user.type(screen.getByLabelText(/Caller ID/), '5550100');
    await user.keyboard('{Enter}');
    expect(fetchToken).not.toHaveBeenCalled();
    expect(screen.getByRole('alert')).toHaveTextContent('Start with + and the country code');
    expect(screen.getByLabelText(/Caller ID/)).toHaveFocus();
  });

  it('explains an unreachable token API', async () => {
    const { user } = renderApp({
      fetchToken: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await user.click(screen.getByRole('button', { name: 'Start session' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not reach the token API');
    expect(alert).toHaveTextContent('Failed to fetch');
  });

  it('explains a LiveKit server it cannot reach', async () => {
    const { user } = renderApp({
      ...connected,
      createRoom: () => {
        const room = fakeRoom([]);
        room.connect = () => Promise.reject(new Error('could not establish signal connection'));
        return room;
      },
    });
    await user.click(screen.getByRole('button', { name: 'Start session' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not connect to LiveKit');
    expect(alert).toHaveTextContent('could not establish signal connection');
    expect(alert).toHaveTextContent('ws://127.0.0.1:7880');
    expect(screen.getByRole('button', { name: 'Start session' })).toBeInTheDocument();
    expect(screen.getByText('Not connected.')).toBeInTheDocument();
  });

  it('keeps the passcode for the tab (sessionStorage)', () => {
    const services = fakeServices();
    services.stored.set(PASSCODE_STORAGE_KEY, 'kept');
    render(
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>,
    );
    expect(screen.getByLabelText('QA passcode')).toHaveValue('kept');
  });

  it('connects with the token and explains a denied microphone', async () => {
    denyMicrophone();
    const { user, services } = renderApp(connected);
    await user.click(screen.getByRole('button', { name: 'Start session' }));

    await waitFor(() => expect(services.connections).toHaveLength(1));
    expect(services.connections[0]).toEqual({
      serverUrl: 'ws://127.0.0.1:7880',
      participantToken,
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Microphone access was denied');
    expect(screen.getByRole('button', { name: 'End session' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Turn microphone on' })).toBeEnabled();

    await user.click(screen.getByRole('button', { name: 'End session' }));
    expect(screen.getByText('Session ended.')).toBeInTheDocument();
  });

  it('ends the session when the room closes, and asks for a new token for the next one', async () => {
    denyMicrophone();
    const fetchToken = vi.fn<TokenFetcher>(connected.fetchToken);
    const { user, services } = renderApp({ fetchToken });
    expect(fetchToken).not.toHaveBeenCalled(); // nothing is fetched before Start
    await user.click(screen.getByRole('button', { name: 'Start session' }));
    await screen.findByRole('button', { name: 'End session' });

    const room = services.rooms[0]!;
    act(() => {
      room.state = ConnectionState.Disconnected;
      room.emit(RoomEvent.ConnectionStateChanged, ConnectionState.Disconnected);
      room.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    });
    expect(screen.getByText('Session ended.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start session' })).toBeInTheDocument();
    expect(fetchToken).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Start session' }));
    await screen.findByRole('button', { name: 'End session' });
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(services.connections).toHaveLength(2);
  });

  it('warns when the agent has not joined 10 s after connecting', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    denyMicrophone();
    const services = fakeServices(connected);
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    render(
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>,
    );
    await user.click(screen.getByRole('button', { name: 'Start session' }));
    await screen.findByText('Waiting for the agent…');

    await act(async () => {
      await vi.advanceTimersByTimeAsync(9_000);
    });
    expect(screen.queryByText(/The agent has not joined/)).not.toBeInTheDocument();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    expect(screen.getByText('The agent has not joined after 10 seconds')).toBeInTheDocument();
  });
});
