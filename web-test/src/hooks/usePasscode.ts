// The QA passcode, kept in sessionStorage: it survives a reload but not closing the tab.
import { useCallback, useState } from 'react';
import type { Services } from '../services';

export const PASSCODE_STORAGE_KEY = 'qa-tester.passcode';

export function usePasscode(storage: Services['storage']): [string, (value: string) => void] {
  const [passcode, setPasscodeState] = useState(() => {
    try {
      return storage?.getItem(PASSCODE_STORAGE_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const setPasscode = useCallback(
    (value: string) => {
      setPasscodeState(value);
      try {
        if (value === '') storage?.removeItem(PASSCODE_STORAGE_KEY);
        else storage?.setItem(PASSCODE_STORAGE_KEY, value);
      } catch {
        // Storage full or disabled: the passcode still works for this page view.
      }
    },
    [storage],
  );
  return [passcode, setPasscode];
}
