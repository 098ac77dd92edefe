// A large CSV file kept as its bytes plus where each record starts: a record object is built only
// when a tool asks for it (a few microseconds), so loading a million orders creates no million
// objects. The file was fully validated when it was indexed, so building a record cannot fail.
import { createRecordSplitter } from './csv.js';
import type { IdKind } from './ids.js';
import type { Intern } from './schemas.js';
import { findRow, findRows, idKey, idOfKey, type SortedIndex } from './row-index.js';

/** Read access by id to records of one kind: what the tools need of the store's indexes. */
export interface RecordLookup<R> {
  readonly size: number;
  get(id: string): R | undefined;
  has(id: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<R>;
}

/** What indexing a file produces; plain data, so it can come from a worker thread. */
export interface RowTableData {
  fileName: string;
  bytes: Uint8Array;
  /** Byte offset and line of each record after the header, in file order. */
  starts: Uint32Array;
  lines: Uint32Array;
  /** Index of each schema column in the file's header. */
  positions: number[];
}

const keepAsIs: Intern = (value) => value;

export class RowTable<R> {
  readonly #bytes: Buffer;
  readonly #columns: readonly string[];

  constructor(
    readonly data: RowTableData,
    columns: readonly string[],
    /** schemas.ts's to* function for the file's rows (the cells by column name). */
    private readonly toRecord: (row: never, intern: Intern) => R,
  ) {
    this.#bytes = Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
    this.#columns = columns;
  }

  get size(): number {
    return this.data.starts.length;
  }

  line(row: number): number {
    return this.data.lines[row]!;
  }

  record(row: number): R {
    const split = createRecordSplitter(this.#bytes, this.data.fileName, this.data.starts[row]);
    const cells = split.next()!.cells;
    const fields: Record<string, string> = {};
    for (let c = 0; c < this.#columns.length; c++)
      fields[this.#columns[c]!] = cells[this.data.positions[c]!]!;
    return (this.toRecord as (row: Record<string, string>, intern: Intern) => R)(fields, keepAsIs);
  }
}

/** Records by a unique id column. */
export function uniqueLookup<R>(
  table: RowTable<R>,
  index: SortedIndex,
  kind: IdKind,
): RecordLookup<R> {
  const rowOf = (id: string): number => {
    const key = idKey(kind, id);
    return key === undefined ? -1 : findRow(index, key);
  };
  return {
    size: index.keys.length,
    get: (id) => {
      const row = rowOf(id);
      return row < 0 ? undefined : table.record(row);
    },
    has: (id) => rowOf(id) >= 0,
    *keys() {
      for (const key of index.keys) yield idOfKey(kind, key);
    },
    *values() {
      for (const row of index.rows) yield table.record(row);
    },
  };
}

/** Records grouped by a repeated id column (a customer's orders), in `order`. */
export function groupedLookup<R>(
  table: RowTable<R>,
  index: SortedIndex,
  kind: IdKind,
  order: (a: R, b: R) => number,
): RecordLookup<readonly R[]> {
  const group = (rows: Uint32Array): R[] =>
    Array.from(rows, (row) => table.record(row)).sort(order);
  const rowsOf = (id: string): Uint32Array | undefined => {
    const key = idKey(kind, id);
    const rows = key === undefined ? undefined : findRows(index, key);
    return rows !== undefined && rows.length > 0 ? rows : undefined;
  };
  function* distinctKeys() {
    for (let i = 0; i < index.keys.length; i++)
      if (i === 0 || index.keys[i] !== index.keys[i - 1]) yield index.keys[i]!;
  }
  let size: number | undefined;
  return {
    get size() {
      size ??= [...distinctKeys()].length;
      return size;
    },
    get: (id) => {
      const rows = rowsOf(id);
      return rows === undefined ? undefined : group(rows);
    },
    has: (id) => rowsOf(id) !== undefined,
    *keys() {
      for (const key of distinctKeys()) yield idOfKey(kind, key);
    },
    *values() {
      for (const key of distinctKeys()) yield group(findRows(index, key));
    },
  };
}
