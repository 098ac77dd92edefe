/**
 * Streaming CSV output through csv-stringify, piped to the file: RFC 4180 with LF record
 * delimiters, UTF-8 without BOM, a header line, a field quoted only when it contains a comma, a
 * double quote, CR or LF (inner quotes doubled), empty fields left empty.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

export interface CsvWriter {
  readonly path: string;
  /** Data rows written so far (the header is not counted). */
  readonly rows: number;
  /** Queues one record; call `flush()` regularly to respect the stream's backpressure. */
  write(fields: readonly string[]): void;
  /** Waits for 'drain' when the queued records are past the stream's high-water mark. */
  flush(): Promise<void>;
  /** Writes the rest and closes the file. */
  close(): Promise<void>;
}

export function createCsvWriter(path: string, header: readonly string[]): CsvWriter {
  const stringifier = stringify({
    header: true,
    columns: header,
    // csv-stringify's defaults, spelled out because the committed files depend on them. Giving
    // `record_delimiter` turns `quote_record_delimiter` off unless it is given too: keep both, so
    // a field with a CR or LF is still quoted.
    bom: false,
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: 'unix',
    quote_record_delimiter: true,
  });
  const done = pipeline(stringifier, createWriteStream(path));
  // A failure is reported by `flush()` (the stringifier errors too) or `close()`; this only keeps
  // it from being an unhandled rejection in the meantime.
  done.catch(() => {});
  let rows = 0;

  return {
    path,
    get rows() {
      return rows;
    },
    write(fields) {
      stringifier.write(fields);
      rows++;
    },
    async flush() {
      if (stringifier.writableNeedDrain) await once(stringifier, 'drain');
    },
    async close() {
      stringifier.end();
      await done;
    },
  };
}
