// The "phone audio" switch: send the microphone as a phone line would carry it.
import { useId } from 'react';

export interface PhoneAudioSwitchProps {
  on: boolean;
  /** The filter is running on the published microphone track. */
  active: boolean;
  /** A session is running (otherwise the switch applies to the next one). */
  inSession: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
}

export function PhoneAudioSwitch({
  on,
  active,
  inSession,
  disabled = false,
  onChange,
}: PhoneAudioSwitchProps) {
  const id = useId();
  let status: string;
  if (!on) status = 'Off: the microphone is sent in full quality.';
  else if (!inSession) status = 'On: applies when the session starts.';
  else if (active) status = 'On: your microphone is sent as 8 kHz μ-law.';
  else status = 'On: applies when the microphone is on.';
  return (
    <div className="field switch-field">
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={on}
        aria-describedby={`${id}-status`}
        className="switch"
        disabled={disabled}
        onClick={() => onChange(!on)}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label">Phone audio (8 kHz μ-law)</span>
      </button>
      <p className="hint" id={`${id}-status`}>
        {status} Band-limits your voice to what phone callers send, to test how the agent copes.
      </p>
    </div>
  );
}
