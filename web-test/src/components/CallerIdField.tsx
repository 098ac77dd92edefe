// The number the agent should treat this session as calling from (optional).
import { useId, useState, type Ref } from 'react';
import { checkCallerId } from '../caller-id';

export interface CallerIdFieldProps {
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  /** Show the validation message even before the field was left (e.g. after Start). */
  showError?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

export function CallerIdField({
  value,
  onChange,
  disabled = false,
  showError = false,
  inputRef,
}: CallerIdFieldProps) {
  const id = useId();
  const [touched, setTouched] = useState(false);
  const check = checkCallerId(value);
  const invalid = !check.ok && (touched || showError);
  return (
    <div className="field">
      <label htmlFor={id}>
        Caller ID <span className="optional">(optional, E.164)</span>
      </label>
      <input
        id={id}
        ref={inputRef}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        placeholder="+14155550100"
        value={value}
        disabled={disabled}
        aria-invalid={invalid}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        onChange={(event) => onChange(event.target.value)}
        onBlur={() => setTouched(true)}
      />
      <p className="hint" id={`${id}-help`}>
        The agent treats the session as a call from this number (sent as the participant attribute
        qa.caller_number). Leave empty for an anonymous caller.
      </p>
      {invalid && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {check.message}
        </p>
      )}
    </div>
  );
}
