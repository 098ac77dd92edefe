// The session record as React state (see record.ts), with the actions the page needs.
import { useMemo, useReducer } from 'react';
import { emptyRecord, recordReducer, type RecordAction, type SessionRecord } from '../record';

export type RecordDispatch = (action: RecordAction) => void;

export function useSessionRecord(): { record: SessionRecord; dispatch: RecordDispatch } {
  const [record, dispatch] = useReducer(recordReducer, undefined, emptyRecord);
  return useMemo(() => ({ record, dispatch }), [record]);
}
