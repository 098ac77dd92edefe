// Reads, validates and indexes one large CSV file: the row checks of csv.ts for every record, then
// the byte offset, line and id keys of each record, and the rows sorted by each key. It returns
// plain typed arrays, so it runs the same inline or in a worker thread (file-index.worker.ts).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { readCsvFile, scanCsv } from './csv.js';
import { StoreLoadError } from './errors.js';
import type { IdKind } from './ids.js';
import { idKey, sortRows, type SortedIndex } from './row-index.js';
import type { RowTableData } from './row-table.js';
import { CSV_FILES } from './schemas.js';

export type IndexedFileName = 'orders' | 'delivery';

/**
 * The id columns of each large file: each row's key is kept for reference checks, and the rows
 * are sorted by the columns the store is looked up by (`lookup`).
 */
export const KEY_COLUMNS = {
  orders: {
    order_id: { kind: 'order', lookup: true },
    customer_id: { kind: 'customer', lookup: true },
    product_id: { kind: 'product', lookup: false },
    tracking_number: { kind: 'tracking', lookup: true },
  },
  delivery: { tracking_number: { kind: 'tracking', lookup: true } },
} as const satisfies Record<IndexedFileName, Record<string, { kind: IdKind; lookup: boolean }>>;

export interface ColumnKeys {
  /** Each row's key (NaN for an empty cell). */
  byRow: Float64Array;
  /** The rows sorted by key, for the columns looked up by. */
  sorted?: SortedIndex | undefined;
}

/** A file's KEY_COLUMNS, with the sorted rows typed as present where `lookup` is set. */
export type FileKeys<F extends IndexedFileName> = {
  [C in keyof (typeof KEY_COLUMNS)[F]]: (typeof KEY_COLUMNS)[F][C] extends { lookup: true }
    ? ColumnKeys & { sorted: SortedIndex }
    : ColumnKeys;
};

export interface FileIndexData extends RowTableData {
  keys: Record<string, ColumnKeys>;
}

const NEWLINE = 10;

export async function indexFile(dir: string, name: IndexedFileName): Promise<FileIndexData> {
  const file = CSV_FILES[name];
  const bytes = await readCsvFile(join(dir, file.file), file.file);
  // Records never outnumber lines: size the arrays once instead of growing them.
  let capacity = 1;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) capacity++;
  const starts = new Uint32Array(capacity);
  const lines = new Uint32Array(capacity);
  const columns = Object.entries(KEY_COLUMNS[name]) as [
    string,
    { kind: IdKind; lookup: boolean },
  ][];
  const byRow = columns.map(() => new Float64Array(capacity));
  if (bytes.length >= 2 ** 32)
    throw new StoreLoadError(file.file, undefined, undefined, 'file is larger than 4 GB');

  let count = 0;
  const { positions } = await scanCsv(bytes, file.file, file.schema, (row, at) => {
    starts[count] = at.offset;
    lines[count] = at.line;
    for (let c = 0; c < columns.length; c++) {
      const [column, { kind }] = columns[c]!;
      // The row schema has checked the cell: a key, or an empty optional cell.
      byRow[c]![count] = idKey(kind, (row as Record<string, string>)[column]!) ?? Number.NaN;
    }
    count++;
  });

  const keys: FileIndexData['keys'] = {};
  columns.forEach(([column, { lookup }], c) => {
    const rowKeys = byRow[c]!.subarray(0, count);
    keys[column] = { byRow: rowKeys, ...(lookup ? { sorted: sortRows(rowKeys, count) } : {}) };
  });
  return {
    fileName: file.file,
    bytes,
    starts: starts.subarray(0, count),
    lines: lines.subarray(0, count),
    positions,
    keys,
  };
}

/** The buffers to move (not copy) to another thread; a shared pool buffer is never moved. */
export function transferables(data: FileIndexData): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (view: ArrayBufferView) => {
    if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength)
      buffers.add(view.buffer as ArrayBuffer);
  };
  add(data.bytes);
  add(data.starts);
  add(data.lines);
  for (const { byRow, sorted } of Object.values(data.keys)) {
    add(byRow);
    if (sorted === undefined) continue;
    add(sorted.keys);
    add(sorted.rows);
  }
  return [...buffers];
}

export type WorkerReply =
  | { data: FileIndexData }
  | {
      error: { file?: string; line?: number; column?: number; detail?: string; message: string };
    };

/** indexFile in a worker thread, so several files load on several cores. */
export function indexFileInWorker(dir: string, name: IndexedFileName): Promise<FileIndexData> {
  const url = new URL(
    `./file-index.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  return new Promise((resolve, reject) => {
    const options = { workerData: { dir, name } };
    // Run from TypeScript sources (as `npm run mcp` does, through tsx), a worker thread does not
    // inherit tsx's loader: it registers it before importing the worker module.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`,
          { ...options, eval: true },
        )
      : new Worker(url, options);
    worker.once('message', (reply: WorkerReply) => {
      void worker.terminate();
      if ('data' in reply) return resolve(reply.data);
      const { file, line, column, detail, message } = reply.error;
      reject(
        file !== undefined && detail !== undefined
          ? new StoreLoadError(file, line, column, detail)
          : new Error(message),
      );
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ${name} indexing thread exited with code ${code}`));
    });
  });
}
