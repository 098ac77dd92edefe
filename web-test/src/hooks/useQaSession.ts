// One QA session: token → room → microphone (optionally through the phone filter) → hang up.
import { useCallback, useEffect, useRef, useState } from 'react';
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
import { describeTokenError, tokenErrorFromSdk, type ErrorDescription } from '../token';
import type { RecordDispatch } from './useSessionRecord';

export type SessionPhase =
  'idle' | 'requesting-token' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface SessionError extends ErrorDescription {
  kind: 'token' | 'connection';
  /** The token API's error code, when it gave one. */
  code?: string | undefined;
  status?: number | undefined;
}

export interface StartOptions {
  passcode: string;
  /** E.164, already checked; undefined = no caller ID. */
  callerNumber?: string | undefined;
}

export interface QaSession {
  phase: SessionPhase;
  /** The session's room while it is connecting or connected. */
  room: Room | undefined;
  /** Changes with every session (a React key for per-session state). */
  sessionKey: number;
  serverUrl: string | undefined;
  error: SessionError | undefined;
  microphoneError: ErrorDescription | undefined;
  microphoneOn: boolean;
  microphoneBusy: boolean;
  microphoneId: string | undefined;
  phoneAudio: boolean;
  /** The phone filter is on the published microphone track right now. */
  phoneAudioActive: boolean;
  phoneAudioError: ErrorDescription | undefined;
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

export function useQaSession(services: Services, dispatch: RecordDispatch): QaSession {
  const [phase, setPhase] = useState<SessionPhase>('idle');
  const [room, setRoom] = useState<Room>();
  const [sessionKey, setSessionKey] = useState(0);
  const [serverUrl, setServerUrl] = useState<string>();
  const [error, setError] = useState<SessionError>();
  const [microphoneError, setMicrophoneError] = useState<ErrorDescription>();
  const [microphoneOn, setMicrophoneOnState] = useState(false);
  const [microphoneBusy, setMicrophoneBusy] = useState(false);
  const [microphoneId, setMicrophoneId] = useState<string>();
  const [phoneAudio, setPhoneAudioState] = useState(false);
  const [phoneAudioActive, setPhoneAudioActive] = useState(false);
  const [phoneAudioError, setPhoneAudioError] = useState<ErrorDescription>();

  /** The current room; an older room's events are ignored. */
  const roomRef = useRef<Room | undefined>(undefined);
  /** Bumped by every start and end, so a start still awaiting the network knows it is stale. */
  const attemptRef = useRef(0);
  const settingsRef = useRef({ phoneAudio, microphoneId });
  settingsRef.current = { phoneAudio, microphoneId };

  const note = useCallback(
    (level: 'info' | 'warning' | 'error', message: string) =>
      dispatch({ type: 'note', level, message, at: services.now() }),
    [dispatch, services],
  );

  /** Puts the phone filter on (or takes it off) the published microphone track. */
  const applyPhoneAudio = useCallback(
    async (target: Room, on: boolean): Promise<void> => {
      const track = microphoneTrack(target);
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
    [note, services],
  );

  const enableMicrophone = useCallback(
    async (target: Room, on: boolean): Promise<void> => {
      setMicrophoneBusy(true);
      try {
        const { microphoneId: deviceId, phoneAudio: wantPhone } = settingsRef.current;
        await target.localParticipant.setMicrophoneEnabled(
          on,
          on && deviceId ? { deviceId } : undefined,
        );
        if (roomRef.current !== target) return;
        setMicrophoneOnState(on);
        setMicrophoneError(undefined);
        if (on && wantPhone) await applyPhoneAudio(target, true);
      } catch (cause) {
        if (roomRef.current !== target) return;
        const description = describeMicrophoneError(cause);
        setMicrophoneOnState(target.localParticipant.isMicrophoneEnabled);
        setMicrophoneError(description);
        note('error', `${description.title}: ${description.message}`);
      } finally {
        setMicrophoneBusy(false);
      }
    },
    [applyPhoneAudio, note],
  );

  const resetRoomState = useCallback(() => {
    roomRef.current = undefined;
    setRoom(undefined);
    setMicrophoneOnState(false);
    setPhoneAudioActive(false);
  }, []);

  const attachListeners = useCallback(
    (target: Room) => {
      target
        .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
          if (roomRef.current !== target) return; // ended by the tester, already handled
          const explanation = explainDisconnect(reason);
          note(reason === DisconnectReason.ROOM_DELETED ? 'info' : 'warning', explanation);
          dispatch({ type: 'end', at: services.now(), reason: reasonName(reason) });
          resetRoomState();
          setPhase('ended');
        })
        .on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => {
          if (roomRef.current !== target) return;
          if (
            state === ConnectionState.Reconnecting ||
            state === ConnectionState.SignalReconnecting
          )
            setPhase('reconnecting');
          else if (state === ConnectionState.Connected) setPhase('connected');
        })
        .on(RoomEvent.MediaDevicesError, (cause: Error) => {
          if (roomRef.current !== target) return;
          setMicrophoneError(describeMicrophoneError(cause));
        });
    },
    [dispatch, note, resetRoomState, services],
  );

  const start = useCallback(
    async ({ passcode, callerNumber }: StartOptions): Promise<void> => {
      const attempt = ++attemptRef.current;
      setError(undefined);
      setMicrophoneError(undefined);
      setPhoneAudioError(undefined);
      setPhase('requesting-token');

      let details;
      try {
        details = await services.fetchToken({ passcode, callerNumber });
      } catch (cause) {
        if (attempt !== attemptRef.current) return;
        const tokenError = tokenErrorFromSdk(cause);
        setError({
          kind: 'token',
          code: tokenError.code,
          status: tokenError.status,
          ...describeTokenError(tokenError, callerNumber !== undefined),
        });
        setPhase('idle');
        return;
      }
      if (attempt !== attemptRef.current) return;

      const target = services.createRoom();
      roomRef.current = target;
      attachListeners(target);
      dispatch({
        type: 'start',
        at: services.now(),
        settings: {
          phoneAudio: settingsRef.current.phoneAudio,
          callerNumberMasked: callerNumber === undefined ? undefined : maskPhone(callerNumber),
        },
      });
      setServerUrl(details.serverUrl);
      setRoom(target);
      setSessionKey((key) => key + 1);
      setPhase('connecting');

      try {
        await services.connectRoom(target, details);
      } catch (cause) {
        if (attempt !== attemptRef.current) return;
        const message = cause instanceof Error ? cause.message : String(cause);
        setError({
          kind: 'connection',
          title: 'Could not connect to LiveKit',
          message,
          hint:
            `The token API sent the server ${details.serverUrl}. Check that this browser can ` +
            'reach it (LIVEKIT_PUBLIC_URL on the token API, STACK_IP, firewall for the WebRTC ' +
            'ports) and that livekit-server is running.',
        });
        note('error', `connection failed: ${message}`);
        dispatch({ type: 'end', at: services.now(), reason: 'connection_failed' });
        resetRoomState();
        setPhase('idle');
        return;
      }
      if (attempt !== attemptRef.current) {
        void target.disconnect();
        return;
      }
      dispatch({
        type: 'connected',
        room: target.name,
        identity: target.localParticipant.identity,
        serverUrl: details.serverUrl,
      });
      setPhase('connected');
      await enableMicrophone(target, true);
    },
    [attachListeners, dispatch, enableMicrophone, note, resetRoomState, services],
  );

  const end = useCallback(() => {
    attemptRef.current++;
    const target = roomRef.current;
    if (!target) {
      setPhase((current) => (current === 'requesting-token' ? 'idle' : current));
      return;
    }
    dispatch({ type: 'end', at: services.now(), reason: 'ended_by_tester' });
    resetRoomState();
    setPhase('ended');
    void target.disconnect();
  }, [dispatch, resetRoomState, services]);

  const setMicrophoneOn = useCallback(
    async (on: boolean) => {
      const target = roomRef.current;
      if (target) await enableMicrophone(target, on);
    },
    [enableMicrophone],
  );

  const selectMicrophone = useCallback(
    async (deviceId: string) => {
      setMicrophoneId(deviceId);
      settingsRef.current = { ...settingsRef.current, microphoneId: deviceId };
      const target = roomRef.current;
      if (!target || !microphoneTrack(target)) return;
      try {
        await target.switchActiveDevice('audioinput', deviceId);
        dispatch({ type: 'settings', settings: { microphone: deviceId } });
      } catch (cause) {
        setMicrophoneError(describeMicrophoneError(cause));
      }
    },
    [dispatch],
  );

  const setPhoneAudio = useCallback(
    async (on: boolean) => {
      setPhoneAudioState(on);
      settingsRef.current = { ...settingsRef.current, phoneAudio: on };
      const target = roomRef.current;
      if (!target) return;
      dispatch({ type: 'settings', settings: { phoneAudio: on } });
      note('info', `phone audio ${on ? 'on' : 'off'}`);
      await applyPhoneAudio(target, on);
    },
    [applyPhoneAudio, dispatch, note],
  );

  // Leaving the page (or unmounting in tests) hangs up.
  useEffect(
    () => () => {
      attemptRef.current++;
      void roomRef.current?.disconnect();
    },
    [],
  );

  return {
    phase,
    room,
    sessionKey,
    serverUrl,
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
