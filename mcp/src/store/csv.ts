import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { StoreLoadError } from './errors.js';

/**
 * Where a row is, for errors found after the row itself validated (duplicates, say). Valid only
 * during the onRow call that receives it.
 */
export interface RowPosition {
  line: number;
  /** Byte offset of the record's first field in the file. */
  offset: number;
  /** 1-based position of a column in this file's header. */
  column(name: string): number | undefined;
}

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
  column?: number | string;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const COMMA = 44;
const QUOTE = 34;
const YIELD_EVERY = 20_000;

/**
 * Reads one CSV file (RFC 4180) through its row schema. The header is checked by name (order is
 * free, extra columns are ignored); every error names the file, line and column. A UTF-8 BOM and
 * CRLF line endings are accepted; empty lines are skipped.
 *
 * Well-formed records are split here, in one pass over the bytes: csv-parse reads about 25 MB/s,
 * and a million-order store is 160 MB that must load in a few seconds. A record this splitter
 * finds malformed (a stray or unclosed quote) goes to csv-parse, which names the problem. Tests
 * hold the splitter to csv-parse's output on the committed store and on random records.
 * The reader yields to the event loop now and then, so a reload does not stall the server.
 */
export async function readCsv<S extends z.ZodObject>(
  path: string,
  fileName: string,
  schema: S,
  onRow: (row: z.infer<S>, at: RowPosition) => void,
): Promise<number> {
  const bytes = await readCsvFile(path, fileName);
  return (await scanCsv(bytes, fileName, schema, onRow)).count;
}

/** The file's bytes, or a StoreLoadError saying why it cannot be read. */
export async function readCsvFile(path: string, fileName: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    throw new StoreLoadError(fileName, undefined, undefined, reason);
  }
}

export interface CsvScan {
  /** Records after the header. */
  count: number;
  /** For each column of the schema (in its order), its index in the file's header. */
  positions: number[];
}

/** readCsv over bytes already read; also says where each schema column is in the file. */
export async function scanCsv<S extends z.ZodObject>(
  bytes: Buffer,
  fileName: string,
  schema: S,
  onRow: (row: z.infer<S>, at: RowPosition) => void,
): Promise<CsvScan> {
  const expected = Object.keys(schema.shape);
  const splitter = createRecordSplitter(bytes, fileName);
  let header: string[] | undefined;
  let positions: number[] = [];
  let count = 0;
  const record: Record<string, string> = {};
  // One position object per file, updated per row: no allocation per row.
  const at: RowPosition = {
    line: 0,
    offset: 0,
    column: (name) =>
      header !== undefined && header.includes(name) ? header.indexOf(name) + 1 : undefined,
  };

  for (let next = splitter.next(); next !== undefined; next = splitter.next()) {
    const { cells, line, start } = next;
    if (header === undefined) {
      const names = cells.map((cell) => cell.trim());
      const missing = expected.filter((column) => !names.includes(column));
      if (missing.length > 0) {
        throw new StoreLoadError(
          fileName,
          line,
          undefined,
          `missing column(s) ${missing.join(', ')} in the header`,
        );
      }
      header = names;
      positions = expected.map((column) => names.indexOf(column));
      continue;
    }
    if (cells.length !== header.length) {
      throw new StoreLoadError(
        fileName,
        line,
        undefined,
        `wrong number of fields: ${cells.length} instead of ${header.length} (a comma inside a value needs double quotes around the value)`,
      );
    }
    for (let c = 0; c < expected.length; c++) record[expected[c]!] = cells[positions[c]!]!;
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const column = String(issue.path[0] ?? '');
      throw new StoreLoadError(
        fileName,
        line,
        header.indexOf(column) + 1 || undefined,
        `${column}: ${issue.message}`,
      );
    }
    at.line = line;
    at.offset = start;
    onRow(parsed.data, at);
    if (++count % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (header === undefined)
    throw new StoreLoadError(fileName, 1, undefined, 'the file is empty (no header line)');
  return { count, positions };
}

interface SplitRecord {
  cells: string[];
  /** Line the record starts on (1-based). */
  line: number;
  /** Byte offset of the record in the buffer. */
  start: number;
}

/**
 * Splits RFC 4180 records off a buffer, one at a time, counting lines. `from` starts at a record
 * found before (its `start`); line numbers then count from 1 there.
 */
export function createRecordSplitter(
  bytes: Buffer,
  fileName: string,
  from?: number,
): { next(): SplitRecord | undefined } {
  const end = bytes.length;
  let position = from ?? (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  let line = 1;

  /** Hands a malformed record to csv-parse for its diagnosis; throws. */
  const malformed = (start: number, startLine: number): never => {
    let stop = start;
    while (stop < end && bytes[stop] !== NEWLINE) stop++;
    // Include the rest of the file when a quote is open: csv-parse then reports it unclosed.
    const quote = bytes.indexOf(QUOTE, start);
    const text = bytes.subarray(start, quote !== -1 && quote < stop ? end : stop);
    parseQuotedRecord(text, fileName, startLine);
    throw new StoreLoadError(fileName, startLine, undefined, 'malformed CSV');
  };

  return {
    next() {
      for (;;) {
        if (position >= end) return undefined;
        const recordStart = position;
        const recordLine = line;
        const cells: string[] = [];
        let nonAscii = false;
        let i = position;
        // Fields of one record.
        for (;;) {
          let value: string;
          if (bytes[i] === QUOTE) {
            const valueStart = i + 1;
            let escaped = false;
            for (i = valueStart; ; i++) {
              if (i >= end) return malformed(recordStart, recordLine);
              const byte = bytes[i]!;
              if (byte === QUOTE) {
                if (bytes[i + 1] === QUOTE) {
                  escaped = true;
                  i++;
                  continue;
                }
                break;
              }
              if (byte === NEWLINE) line++;
              else if (byte > 127) nonAscii = true;
            }
            value = bytes.toString(nonAscii ? 'utf8' : 'latin1', valueStart, i);
            if (escaped) value = value.replaceAll('""', '"');
            i++; // the closing quote
            const after = bytes[i];
            if (
              i < end &&
              after !== COMMA &&
              after !== NEWLINE &&
              !(after === CARRIAGE_RETURN && bytes[i + 1] === NEWLINE)
            ) {
              return malformed(recordStart, recordLine);
            }
          } else {
            const valueStart = i;
            for (; i < end; i++) {
              const byte = bytes[i]!;
              if (byte === COMMA || byte === NEWLINE) break;
              if (byte === QUOTE) return malformed(recordStart, recordLine);
              if (byte > 127) nonAscii = true;
            }
            let valueEnd = i;
            if (
              bytes[i - 1] === CARRIAGE_RETURN &&
              (i >= end || bytes[i] === NEWLINE) &&
              valueEnd > valueStart
            )
              valueEnd--;
            value = bytes.toString(nonAscii ? 'utf8' : 'latin1', valueStart, valueEnd);
          }
          cells.push(value);
          if (i < end && bytes[i] === COMMA) {
            i++;
            continue;
          }
          if (bytes[i] === CARRIAGE_RETURN) i++;
          break;
        }
        // i is at the record's newline (or the end of the file).
        position = i + 1;
        line++;
        if (cells.length === 1 && cells[0] === '') continue; // an empty line
        return { cells, line: recordLine, start: recordStart };
      }
    },
  };
}

function parseQuotedRecord(text: Buffer, fileName: string, firstLine: number): string[] {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true }) as string[][];
  } catch (error) {
    // csv-parse messages quote the offending input; keep only its diagnosis.
    const csvError = error as CsvParseError;
    // An unclosed quote swallows the rest of the file: point at the record where it opened.
    const line =
      csvError.code === 'CSV_QUOTE_NOT_CLOSED' ? firstLine : firstLine + (csvError.lines ?? 1) - 1;
    const column = typeof csvError.column === 'number' ? csvError.column + 1 : undefined;
    throw new StoreLoadError(fileName, line, column, describeCsvError(csvError));
  }
  if (records.length !== 1) {
    throw new StoreLoadError(
      fileName,
      firstLine,
      undefined,
      'a double quote inside a value must be doubled and the value quoted',
    );
  }
  return records[0]!;
}

function describeCsvError(error: CsvParseError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value opened in this record is never closed';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a double quote inside a value must be doubled and the value quoted';
    default:
      return error.code ? `malformed CSV (${error.code})` : 'malformed CSV';
  }
}
