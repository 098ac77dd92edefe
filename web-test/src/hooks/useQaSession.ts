// One QA session: token → room → microphone (optionally through the phone filter) → hang up.
// components-react's useSession owns the room's connection (SessionProvider in App); the token
// request, the microphone, the phone filter and the disconnect reason stay here (see README).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession, type UseSessionReturn } from '@livekit/components-react';
import {
  ConnectionState,
  DisconnectReason,
  RoomEvent,
  Track,
  type LocalAudioTrack,
  type Room,
} from 'livekit-client';
import { PHONE_AUDIO_PROCESSOR } from '../audio/phone-processor';
import { maskPhone } from '../caller-id';
import { describeMicrophoneError } from '../media-errors';
import type { Services } from '../services';
import { describeTokenError, TokenError, type ErrorDescription, type TokenRequest } from '../token';
import { sessionTokenSource } from '../token-source';
import type { RecordDispatch } from './useSessionRecord';

export type SessionPhase =
  'idle' | 'requesting-token' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface SessionError extends ErrorDescription {
  kind: 'token' | 'connection';
  /** The token API's error code, when it gave one. */
  code?: string | undefined;
  status?: number | undefined;
}

export type StartOptions = TokenRequest;

export interface QaSession {
  /** components-react's session (for SessionProvider); its room is the page's only room. */
  session: UseSessionReturn;
  phase: SessionPhase;
  /** The session's room while it is connecting or connected. */
  room: Room | undefined;
  /** Changes with every session (a React key for per-session state). */
  sessionKey: number;
  error: SessionError | undefined;
  microphoneError: ErrorDescription | undefined;
  microphoneOn: boolean;
  microphoneBusy: boolean;
  microphoneId: string | undefined;
  phoneAudio: boolean;
  /** The phone filter is on the published microphone track right now. */
  phoneAudioActive: boolean;
  phoneAudioError: ErrorDescription | undefined;
  /** Settles once the agent is ready (useSession's `start`) or the start failed or was ended. */
  start(options: StartOptions): Promise<void>;
  end(): void;
  setMicrophoneOn(on: boolean): Promise<void>;
  selectMicrophone(deviceId: string): Promise<void>;
  setPhoneAudio(on: boolean): Promise<void>;
  dismissError(): void;
}

const reasonName = (reason: DisconnectReason | undefined): string =>
  reason === undefined ? 'unknown' : (DisconnectReason[reason] ?? String(reason));

function explainDisconnect(reason: DisconnectReason | undefined): string {
  switch (reason) {
    case DisconnectReason.ROOM_DELETED:
      return 'The room was closed (the agent ended the call).';
    case DisconnectReason.PARTICIPANT_REMOVED:
      return 'You were removed from the room.';
    case DisconnectReason.DUPLICATE_IDENTITY:
      return 'Another session joined with the same identity.';
    case DisconnectReason.SERVER_SHUTDOWN:
      return 'The LiveKit server shut down.';
    case DisconnectReason.JOIN_FAILURE:
    case DisconnectReason.SIGNAL_CLOSE:
    case DisconnectReason.STATE_MISMATCH:
      return `The connection to LiveKit was lost (${reasonName(reason)}).`;
    default:
      return `Disconnected from LiveKit (${reasonName(reason)}).`;
  }
}

function microphoneTrack(room: Room): LocalAudioTrack | undefined {
  return room.localParticipant.getTrackPublication(Track.Source.Microphone)?.audioTrack;
}

/** The phase while the session has its token: from the room's connection state. */
function roomPhase(state: ConnectionState): SessionPhase {
  if (state === ConnectionState.Connected) return 'connected';
  if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting)
    return 'reconnecting';
  return 'connecting';
}

export function useQaSession(services: Services, dispatch: RecordDispatch): QaSession {
  /** Idle, waiting for the token, in the room (its own state tells how far), or ended. */
  const [stage, setStage] = useState<'idle' | 'requesting-token' | 'in-room' | 'ended'>('idle');
  const [sessionKey, setSessionKey] = useState(0);
  const [error, setError] = useState<SessionError>();
  const [microphoneError, setMicrophoneError] = useState<ErrorDescription>();
  const [microphoneOn, setMicrophoneOnState] = useState(false);
  const [microphoneBusy, setMicrophoneBusy] = useState(false);
  const [microphoneId, setMicrophoneId] = useState<string>();
  const [phoneAudio, setPhoneAudioState] = useState(false);
  const [phoneAudioActive, setPhoneAudioActive] = useState(false);
  const [phoneAudioError, setPhoneAudioError] = useState<ErrorDescription>();

  /** Bumped by every start and end, so work still awaiting the network knows it is stale. */
  const attemptRef = useRef(0);
  /** Cancels the start in progress (useSession's `start` signal). */
  const abortRef = useRef<AbortController | undefined>(undefined);
  /** The session has its token (the record has a `start`) and has not ended yet. */
  const inRoomRef = useRef(false);
  /** The session got connected and has not ended: a disconnect now ends it. */
  const liveRef = useRef(false);
  const serverUrlRef = useRef<string | undefined>(undefined);
  const settingsRef = useRef({ phoneAudio, microphoneId });
  settingsRef.current = { phoneAudio, microphoneId };

  const note = useCallback(
    (level: 'info' | 'warning' | 'error', message: string) =>
      dispatch({ type: 'note', level, message, at: services.now() }),
    [dispatch, services],
  );

  const [tokens] = useState(() => sessionTokenSource(services.fetchToken));
  const [room] = useState(() => services.createRoom());
  const session = useSession(tokens.source, { room });
  const { start: startSession, end: endSession } = session;

  /** Puts the phone filter on (or takes it off) the published microphone track. */
  const applyPhoneAudio = useCallback(
    async (on: boolean): Promise<void> => {
      const track = microphoneTrack(room);
      if (!track) {
        setPhoneAudioActive(false);
        return;
      }
      const current = track.getProcessor();
      try {
        if (on && current?.name !== PHONE_AUDIO_PROCESSOR) {
          await track.setProcessor(services.createPhoneProcessor());
        } else if (!on && current) {
          await track.stopProcessor();
        }
        setPhoneAudioError(undefined);
        setPhoneAudioActive(on);
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        setPhoneAudioActive(false);
        setPhoneAudioError({
          title: on ? 'Phone audio could not start' : 'Phone audio could not stop',
          message,
          hint: 'The microphone is sent as it is. Reload the page if this persists.',
        });
        note('error', `phone audio ${on ? 'start' : 'stop'} failed: ${message}`);
      }
    },
    [note, room, services],
  );

  const enableMicrophone = useCallback(
    async (on: boolean): Promise<void> => {
      const attempt = attemptRef.current;
      setMicrophoneBusy(true);
      try {
        const { microphoneId: deviceId, phoneAudio: wantPhone } = settingsRef.current;
        await room.localParticipant.setMicrophoneEnabled(
          on,
          on && deviceId ? { deviceId } : undefined,
        );
        if (attempt !== attemptRef.current) return;
        setMicrophoneOnState(on);
        setMicrophoneError(undefined);
        if (on && wantPhone) await applyPhoneAudio(true);
      } catch (cause) {
        if (attempt !== attemptRef.current) return;
        const description = describeMicrophoneError(cause);
        setMicrophoneOnState(room.localParticipant.isMicrophoneEnabled);
        setMicrophoneError(description);
        note('error', `${description.title}: ${description.message}`);
      } finally {
        setMicrophoneBusy(false);
      }
    },
    [applyPhoneAudio, note, room],
  );

  /** Leaves the session's state (not the room: the caller disconnects it, or it is gone). */
  const leave = useCallback(() => {
    attemptRef.current++;
    tokens.disarm();
    abortRef.current?.abort();
    inRoomRef.current = false;
    liveRef.current = false;
    setMicrophoneOnState(false);
    setPhoneAudioActive(false);
  }, [tokens]);

  // What useSession does not tell: why the room went away, and microphone failures mid-session.
  useEffect(() => {
    const onDisconnected = (reason?: DisconnectReason) => {
      if (!liveRef.current) return; // ended by the tester, or a failed start: handled there
      leave();
      note(
        reason === DisconnectReason.ROOM_DELETED ? 'info' : 'warning',
        explainDisconnect(reason),
      );
      dispatch({ type: 'end', at: services.now(), reason: reasonName(reason) });
      setStage('ended');
    };
    const onMediaDevicesError = (cause: Error) => {
      if (inRoomRef.current) setMicrophoneError(describeMicrophoneError(cause));
    };
    room
      .on(RoomEvent.Disconnected, onDisconnected)
      .on(RoomEvent.MediaDevicesError, onMediaDevicesError);
    return () => {
      room
        .off(RoomEvent.Disconnected, onDisconnected)
        .off(RoomEvent.MediaDevicesError, onMediaDevicesError);
    };
  }, [dispatch, leave, note, room, services]);

  // The room of the session in progress connected: record it and turn the microphone on.
  const connected = stage === 'in-room' && session.connectionState === ConnectionState.Connected;
  useEffect(() => {
    if (!connected || liveRef.current) return;
    liveRef.current = true;
    dispatch({
      type: 'connected',
      room: room.name,
      identity: room.localParticipant.identity,
      serverUrl: serverUrlRef.current ?? '',
    });
    void enableMicrophone(true);
  }, [connected, dispatch, enableMicrophone, room]);

  const start = useCallback(
    async ({ passcode, callerNumber }: StartOptions): Promise<void> => {
      abortRef.current?.abort();
      const abort = new AbortController();
      abortRef.current = abort;
      const attempt = ++attemptRef.current;
      tokens.arm({ passcode, callerNumber }, ({ serverUrl }) => {
        if (attempt !== attemptRef.current) return false;
        inRoomRef.current = true;
        serverUrlRef.current = serverUrl;
        dispatch({
          type: 'start',
          at: services.now(),
          settings: {
            phoneAudio: settingsRef.current.phoneAudio,
            callerNumberMasked: callerNumber === undefined ? undefined : maskPhone(callerNumber),
          },
        });
        setSessionKey((key) => key + 1);
        setStage('in-room');
        return true;
      });
      setError(undefined);
      setMicrophoneError(undefined);
      setPhoneAudioError(undefined);
      setStage('requesting-token');

      try {
        // The microphone is ours to start: with the chosen device and the phone filter, and a
        // denied microphone must not fail the session. This resolves only once the agent the
        // token dispatches is ready: the session itself runs from the room's connection on.
        await startSession({ signal: abort.signal, tracks: { microphone: { enabled: false } } });
      } catch (cause) {
        if (attempt !== attemptRef.current) return;
        const wasInRoom = inRoomRef.current;
        leave();
        setStage('idle');
        if (cause instanceof TokenError) {
          setError({
            kind: 'token',
            code: cause.code,
            status: cause.status,
            ...describeTokenError(cause, callerNumber !== undefined),
          });
          return;
        }
        const message = cause instanceof Error ? cause.message : String(cause);
        setError({
          kind: 'connection',
          title: 'Could not connect to LiveKit',
          message,
          hint:
            `The token API sent the server ${serverUrlRef.current}. Check that this browser can ` +
            'reach it (LIVEKIT_PUBLIC_URL on the token API, STACK_IP, firewall for the WebRTC ' +
            'ports) and that livekit-server is running.',
        });
        if (wasInRoom) {
          note('error', `connection failed: ${message}`);
          dispatch({ type: 'end', at: services.now(), reason: 'connection_failed' });
        }
        void room.disconnect();
      }
    },
    [dispatch, leave, note, room, services, startSession, tokens],
  );

  const end = useCallback(() => {
    const wasInRoom = inRoomRef.current;
    leave();
    if (!wasInRoom) {
      setStage((current) => (current === 'requesting-token' ? 'idle' : current));
      return;
    }
    dispatch({ type: 'end', at: services.now(), reason: 'ended_by_tester' });
    setStage('ended');
    void endSession();
  }, [dispatch, endSession, leave, services]);

  const setMicrophoneOn = useCallback(
    async (on: boolean) => {
      if (inRoomRef.current) await enableMicrophone(on);
    },
    [enableMicrophone],
  );

  const selectMicrophone = useCallback(
    async (deviceId: string) => {
      setMicrophoneId(deviceId);
      settingsRef.current = { ...settingsRef.current, microphoneId: deviceId };
      if (!inRoomRef.current || !microphoneTrack(room)) return;
      try {
        await room.switchActiveDevice('audioinput', deviceId);
        dispatch({ type: 'settings', settings: { microphone: deviceId } });
      } catch (cause) {
        setMicrophoneError(describeMicrophoneError(cause));
      }
    },
    [dispatch, room],
  );

  const setPhoneAudio = useCallback(
    async (on: boolean) => {
      setPhoneAudioState(on);
      settingsRef.current = { ...settingsRef.current, phoneAudio: on };
      if (!inRoomRef.current) return;
      dispatch({ type: 'settings', settings: { phoneAudio: on } });
      note('info', `phone audio ${on ? 'on' : 'off'}`);
      await applyPhoneAudio(on);
    },
    [applyPhoneAudio, dispatch, note],
  );

  // Leaving the page (or unmounting in tests): a token still on its way must not connect.
  // useSession disconnects the room itself.
  useEffect(() => leave, [leave]);

  const inRoom = stage === 'in-room';
  return {
    session,
    phase: inRoom ? roomPhase(session.connectionState) : stage,
    room: inRoom ? room : undefined,
    sessionKey,
    error,
    microphoneError,
    microphoneOn,
    microphoneBusy,
    microphoneId,
    phoneAudio,
    phoneAudioActive,
    phoneAudioError,
    start,
    end,
    setMicrophoneOn,
    selectMicrophone,
    setPhoneAudio,
    dismissError: () => setError(undefined),
  };
}
