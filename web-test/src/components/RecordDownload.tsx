// Downloads the session record (what the panels showed) as JSON.
import { recordFileName, recordForDownload, type SessionRecord } from '../record';

export interface RecordDownloadProps {
  record: SessionRecord;
  /** Offers the file to the tester (a Blob download in the browser). */
  onSave: (fileName: string, text: string) => void;
  now: () => number;
}

export function RecordDownload({ record, onSave, now }: RecordDownloadProps) {
  const empty = record.startedAt === undefined;
  const save = () => {
    const text = JSON.stringify(recordForDownload(record, now()), null, 2);
    onSave(recordFileName(record), `${text}\n`);
  };
  return (
    <div className="record-download">
      <button type="button" className="button" disabled={empty} onClick={save}>
        Download session record (JSON)
      </button>
      <p className="hint">
        {empty
          ? 'Available once a session has started.'
          : `${record.transcript.length} transcript lines, ${record.toolCalls.length} tool calls, ` +
            `${record.latency.length} latency reports, ${record.dtmf.length} keypad digits` +
            (record.endedAt === undefined ? ' so far.' : '.')}
      </p>
    </div>
  );
}
