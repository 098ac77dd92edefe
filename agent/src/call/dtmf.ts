/**
 * Collects keypad digits: an order number typed followed by `#` is handed on as one input;
 * `*` starts over. Digits beyond `maxDigits` are ignored (nobody types a 30-digit order number).
 */
export interface DtmfCollector {
  press(key: string): void;
  /** Digits typed so far, not yet submitted. */
  pending(): string;
}

export function createDtmfCollector(options: {
  onSubmit: (digits: string) => void;
  onClear?: () => void;
  maxDigits?: number;
}): DtmfCollector {
  const { onSubmit, onClear, maxDigits = 20 } = options;
  let digits = '';
  return {
    press(key) {
      if (key === '#') {
        if (digits.length > 0) onSubmit(digits);
        digits = '';
      } else if (key === '*') {
        digits = '';
        onClear?.();
      } else if (/^[0-9]$/.test(key) && digits.length < maxDigits) {
        digits += key;
      }
    },
    pending: () => digits,
  };
}

/** What the model receives for typed digits (the prompt tells it what this means). */
export function typedInput(digits: string): string {
  return `The caller typed: ${digits}`;
}
