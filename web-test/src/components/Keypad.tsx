// A phone keypad: digits go out as DTMF, the way the agent receives them from phone callers.
import { useState, type KeyboardEvent } from 'react';

/** RFC 4733 event codes: 0-9 → 0-9, * → 10, # → 11. */
export function dtmfCode(digit: string): number | undefined {
  if (/^[0-9]$/.test(digit)) return Number(digit);
  if (digit === '*') return 10;
  if (digit === '#') return 11;
  return undefined;
}

export type DtmfPublisher = (code: number, digit: string) => Promise<void> | void;

const KEYS: readonly { digit: string; letters: string; name: string }[] = [
  { digit: '1', letters: '', name: '1' },
  { digit: '2', letters: 'ABC', name: '2' },
  { digit: '3', letters: 'DEF', name: '3' },
  { digit: '4', letters: 'GHI', name: '4' },
  { digit: '5', letters: 'JKL', name: '5' },
  { digit: '6', letters: 'MNO', name: '6' },
  { digit: '7', letters: 'PQRS', name: '7' },
  { digit: '8', letters: 'TUV', name: '8' },
  { digit: '9', letters: 'WXYZ', name: '9' },
  { digit: '*', letters: '', name: 'star' },
  { digit: '0', letters: '+', name: '0' },
  { digit: '#', letters: '', name: 'pound' },
];

export interface KeypadProps {
  /** Sends one digit (in the app: `room.localParticipant.publishDtmf(code, digit)`). */
  publish: DtmfPublisher | undefined;
  disabled?: boolean;
  /** Called after a digit was sent. */
  onSent?: (digit: string, code: number) => void;
}

export function Keypad({ publish, disabled = false, onSent }: KeypadProps) {
  const [sent, setSent] = useState('');
  const [failure, setFailure] = useState<string>();
  const inactive = disabled || !publish;

  const press = async (digit: string) => {
    const code = dtmfCode(digit);
    if (code === undefined || inactive) return;
    try {
      await publish(code, digit);
      setFailure(undefined);
      setSent((previous) => (previous + digit).slice(-32));
      onSent?.(digit, code);
    } catch (cause) {
      setFailure(
        `Could not send ${digit}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  };

  // Typing 0-9, * or # while any key of the pad has focus sends that digit.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (dtmfCode(event.key) === undefined) return;
    event.preventDefault();
    void press(event.key);
  };

  return (
    <div className="keypad">
      <p className="hint" id="keypad-hint">
        Type an order number then <kbd>#</kbd> (<kbd>*</kbd> starts over). With a key focused you
        can also type digits on your keyboard.
      </p>
      <div
        className="keypad-grid"
        role="group"
        aria-label="Keypad"
        aria-describedby="keypad-hint"
        onKeyDown={onKeyDown}
      >
        {KEYS.map(({ digit, letters, name }) => (
          <button
            key={digit}
            type="button"
            className="keypad-key"
            aria-label={`Send ${name}`}
            disabled={inactive}
            onClick={() => void press(digit)}
          >
            <span className="keypad-digit" aria-hidden="true">
              {digit}
            </span>
            <span className="keypad-letters" aria-hidden="true">
              {letters}
            </span>
          </button>
        ))}
      </div>
      <p className="keypad-sent" aria-live="polite">
        {inactive && sent === '' ? 'Start a session to use the keypad.' : `Sent: ${sent || '—'}`}
      </p>
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
