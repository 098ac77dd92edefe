// Microphone picker and mute.
import { useId, type ReactNode } from 'react';

export interface MicrophoneControlsProps {
  devices: readonly MediaDeviceInfo[];
  selectedId: string | undefined;
  onSelect: (deviceId: string) => void;
  /** A session is running (mute only makes sense then). */
  inSession: boolean;
  on: boolean;
  busy?: boolean;
  onToggle: () => void;
  /** Level meter of the local microphone. */
  meter?: ReactNode;
}

export function MicrophoneControls({
  devices,
  selectedId,
  onSelect,
  inSession,
  on,
  busy = false,
  onToggle,
  meter,
}: MicrophoneControlsProps) {
  const id = useId();
  const value =
    selectedId ?? devices.find((device) => device.deviceId === 'default')?.deviceId ?? '';
  return (
    <div className="field">
      <label htmlFor={id}>Microphone</label>
      <div className="mic-row">
        <select id={id} value={value} onChange={(event) => onSelect(event.target.value)}>
          {devices.length === 0 && <option value="">Browser default</option>}
          {devices.map((device, index) => (
            <option key={device.deviceId || index} value={device.deviceId}>
              {device.label || `Microphone ${index + 1}`}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={`button ${on ? '' : 'button-warning'}`}
          disabled={!inSession || busy}
          onClick={onToggle}
        >
          {!inSession || on ? 'Mute' : 'Turn microphone on'}
        </button>
      </div>
      {inSession && meter && (
        <div className="mic-meter" aria-hidden="true">
          {meter}
        </div>
      )}
      {devices.length > 0 && devices.every((device) => device.label === '') && (
        <p className="hint">Microphone names appear once the browser has allowed the microphone.</p>
      )}
    </div>
  );
}
