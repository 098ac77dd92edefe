// Start and end a session with one click; the passcode; the session's connection status.
import { useId, type FormEvent, type ReactNode } from 'react';
import type { SessionError, SessionPhase } from '../hooks/useQaSession';
import { ErrorNotice } from './ErrorNotice';

export interface SessionControlsProps {
  phase: SessionPhase;
  roomName?: string | undefined;
  passcode: string;
  onPasscodeChange: (passcode: string) => void;
  error?: SessionError | undefined;
  /** Controls shown with the error (e.g. "Clear caller ID"). */
  errorActions?: ReactNode;
  onStart: () => void;
  onEnd: () => void;
  /** More settings inside the form (caller ID, microphone, phone audio). */
  children?: ReactNode;
}

const STATUS: Record<SessionPhase, string> = {
  idle: 'Not connected.',
  'requesting-token': 'Requesting a token…',
  connecting: 'Connecting to LiveKit…',
  connected: 'Connected.',
  reconnecting: 'Connection lost, reconnecting…',
  ended: 'Session ended.',
};

export function isSessionActive(phase: SessionPhase): boolean {
  return (
    phase === 'requesting-token' ||
    phase === 'connecting' ||
    phase === 'connected' ||
    phase === 'reconnecting'
  );
}

export function SessionControls({
  phase,
  roomName,
  passcode,
  onPasscodeChange,
  error,
  errorActions,
  onStart,
  onEnd,
  children,
}: SessionControlsProps) {
  const id = useId();
  const active = isSessionActive(phase);
  const pending = phase === 'requesting-token' || phase === 'connecting';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (active) onEnd();
    else onStart();
  };

  return (
    <form className="session-form" onSubmit={submit} aria-describedby={`${id}-status`} noValidate>
      <div className="field">
        <label htmlFor={`${id}-passcode`}>QA passcode</label>
        <input
          id={`${id}-passcode`}
          type="password"
          autoComplete="current-password"
          value={passcode}
          disabled={active}
          aria-describedby={`${id}-passcode-help`}
          onChange={(event) => onPasscodeChange(event.target.value)}
        />
        <p className="hint" id={`${id}-passcode-help`}>
          Sent as X-QA-Passcode; kept in this tab only. Leave empty if the API has no passcode.
        </p>
      </div>
      {children}
      <div className="session-actions">
        <button
          type="submit"
          className={`button button-large ${active ? 'button-danger' : 'button-primary'}`}
          aria-busy={pending}
        >
          {phase === 'connected' || phase === 'reconnecting'
            ? 'End session'
            : pending
              ? 'Cancel'
              : 'Start session'}
        </button>
        <p className="session-status" id={`${id}-status`} role="status">
          {STATUS[phase]}
          {roomName && (phase === 'connected' || phase === 'reconnecting') && (
            <>
              {' '}
              Room <code>{roomName}</code>.
            </>
          )}
        </p>
      </div>
      {error && <ErrorNotice error={error}>{errorActions}</ErrorNotice>}
    </form>
  );
}
