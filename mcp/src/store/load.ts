import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { LineCounter, parseDocument } from 'yaml';
import { readCsv, type RowPosition } from './csv.js';
import { StoreLoadError } from './errors.js';
import {
  indexFile,
  indexFileInWorker,
  type ColumnKeys,
  type FileIndexData,
  type FileKeys,
} from './file-index.js';
import { findRow, firstDuplicate, idKey, idOfKey, type SortedIndex } from './row-index.js';
import { groupedLookup, RowTable, uniqueLookup } from './row-table.js';
import { toE164 } from './phone.js';
import {
  CSV_FILES,
  deliveryRow,
  orderRow,
  POLICIES_FILE,
  policiesSchema,
  toDelivery,
  toOrder,
  type Customer,
  type Intern,
  type Product,
  type ReturnRecord,
  type StorePolicies,
} from './schemas.js';
import { indexStore, type Store } from './store.js';

export interface StoreWarning {
  file: string;
  line: number;
  column?: number | undefined;
  message: string;
}

export interface LoadOptions {
  defaultCountry: CountryCode;
  /**
   * Index orders.csv in a worker thread while this thread reads the other files (about as many
   * bytes together): 'auto' (the default) does it from 8 MB, where a thread pays for itself.
   */
  threads?: boolean | 'auto' | undefined;
  /** Data problems that do not stop serving (a reference to a row that is not there, say). */
  onWarning?: ((warning: StoreWarning) => void) | undefined;
}

type CsvFile = (typeof CSV_FILES)[keyof typeof CSV_FILES];

const THREAD_MIN_BYTES = 8 * 2 ** 20;

/** 1-based column of a schema column in the file's header. */
function columnOf(data: FileIndexData, name: string): number | undefined {
  const file = Object.values(CSV_FILES).find((candidate) => candidate.file === data.fileName);
  const c = file === undefined ? -1 : Object.keys(file.schema.shape).indexOf(name);
  return c < 0 ? undefined : data.positions[c]! + 1;
}
type RecordOf<F extends CsvFile> = ReturnType<F['toRecord']>;

/**
 * Reads and validates every file of the store, then indexes it. Throws a StoreLoadError naming
 * the file, line and column of the first problem; never writes to the data directory.
 */
export async function loadStore(dir: string, options: LoadOptions): Promise<Store> {
  const warn = options.onWarning ?? (() => {});
  // Low-cardinality text (statuses, dates, carriers, cities) is shared, not copied per row:
  // on a million-order store this saves hundreds of megabytes.
  const interned = new Map<string, string>();
  const intern: Intern = (value) => {
    const existing = interned.get(value);
    if (existing !== undefined) return existing;
    interned.set(value, value);
    return value;
  };
  const read = <F extends CsvFile>(
    file: F,
    onRecord: (record: RecordOf<F>, at: RowPosition) => void,
  ) =>
    readCsv(join(dir, file.file), file.file, file.schema, (row, at) =>
      onRecord((file.toRecord as (row: unknown, intern: Intern) => RecordOf<F>)(row, intern), at),
    );
  // One map operation per row, not a has() then a set(): this runs millions of times.
  const unique = <T>(
    map: Map<string, T>,
    file: CsvFile,
    column: string,
    id: string,
    at: RowPosition,
    value: T,
  ) => {
    const size = map.size;
    if (map.set(id, value).size === size)
      throw new StoreLoadError(
        file.file,
        at.line,
        at.column(column),
        `${column}: duplicate id ${id}`,
      );
  };
  const reference = (
    file: CsvFile,
    column: string,
    exists: boolean,
    target: string,
    at: RowPosition,
  ) => {
    if (!exists)
      warn({
        file: file.file,
        line: at.line,
        column: at.column(column),
        message: `${column} is not in ${target}`,
      });
  };

  const inThread = (): boolean => {
    const threads = options.threads ?? 'auto';
    if (threads !== 'auto') return threads;
    try {
      return statSync(join(dir, CSV_FILES.orders.file)).size >= THREAD_MIN_BYTES;
    } catch {
      return false; // indexFile reports the missing file
    }
  };
  // Orders and deliveries are most of a store (a million rows each): they are validated and
  // kept as row tables, with no object per row. Files are awaited in file order below, so the
  // first file with a problem is the one reported.
  const ordersData = inThread() ? indexFileInWorker(dir, 'orders') : indexFile(dir, 'orders');
  const deliveryData = indexFile(dir, 'delivery');
  ordersData.catch(() => {});
  deliveryData.catch(() => {});
  const positionOf = (data: FileIndexData, row: number): RowPosition => ({
    line: data.lines[row]!,
    offset: data.starts[row]!,
    column: (name) => columnOf(data, name),
  });
  const uniqueRows = (
    file: CsvFile,
    data: FileIndexData,
    column: string,
    keys: ColumnKeys & { sorted: SortedIndex },
    message: (key: number, earlierRow: number) => string,
  ) => {
    const duplicate = firstDuplicate(keys.sorted);
    if (duplicate === undefined) return;
    const [earlierRow, row] = duplicate;
    throw new StoreLoadError(
      file.file,
      data.lines[row],
      columnOf(data, column),
      `${column}: ${message(keys.byRow[row]!, earlierRow)}`,
    );
  };

  const customers = new Map<string, Customer>();
  const customersByPhone = new Map<string, string[]>();
  await read(CSV_FILES.customers, (customer, at) => {
    unique(customers, CSV_FILES.customers, 'customer_id', customer.customer_id, at, customer);
    if (customer.phone === null) return;
    const e164 = toE164(customer.phone, options.defaultCountry);
    if (e164 === undefined) {
      warn({
        file: CSV_FILES.customers.file,
        line: at.line,
        column: at.column('phone'),
        message: 'phone is not a recognizable number; caller-ID verification will not match it',
      });
      return;
    }
    const ids = customersByPhone.get(e164);
    if (ids === undefined) customersByPhone.set(e164, [customer.customer_id]);
    else ids.push(customer.customer_id);
  });

  const products = new Map<string, Product>();
  await read(CSV_FILES.products, (product, at) =>
    unique(products, CSV_FILES.products, 'product_id', product.product_id, at, product),
  );

  const returnIds = new Set<string>();
  const returnsByOrder = new Map<string, ReturnRecord[]>();
  // Checked against the orders once they are indexed.
  const returnedOrders: { orderId: string; line: number; column: number | undefined }[] = [];
  try {
    await read(CSV_FILES.returns, (record, at) => {
      if (returnIds.has(record.return_id)) {
        throw new StoreLoadError(
          CSV_FILES.returns.file,
          at.line,
          at.column('return_id'),
          `return_id: duplicate id ${record.return_id}`,
        );
      }
      returnIds.add(record.return_id);
      returnedOrders.push({
        orderId: record.order_id,
        line: at.line,
        column: at.column('order_id'),
      });
      const list = returnsByOrder.get(record.order_id);
      if (list === undefined) returnsByOrder.set(record.order_id, [record]);
      else list.push(record);
    });
  } catch (error) {
    // Report a problem in orders.csv or delivery.csv first: they come before returns.csv.
    await Promise.all([ordersData, deliveryData]);
    throw error;
  }

  const orders = await ordersData;
  const ordersTable = new RowTable(orders, Object.keys(orderRow.shape), toOrder);
  const ordersKeys = orders.keys as FileKeys<'orders'>;
  const orderAt = (row: number): RowPosition => positionOf(orders, row);
  uniqueRows(
    CSV_FILES.orders,
    orders,
    'order_id',
    ordersKeys.order_id,
    (key) => `duplicate id ${idOfKey('order', key)}`,
  );
  uniqueRows(
    CSV_FILES.orders,
    orders,
    'tracking_number',
    ordersKeys.tracking_number,
    (key, earlierRow) =>
      `${idOfKey('tracking', key)} is already used by order ${ordersTable.record(earlierRow).order_id} (one order per tracking number)`,
  );
  const customerKeys = new Set(Array.from(customers.keys(), (id) => idKey('customer', id)));
  const productKeys = new Set(Array.from(products.keys(), (id) => idKey('product', id)));
  for (let row = 0; row < ordersTable.size; row++) {
    if (!customerKeys.has(ordersKeys.customer_id.byRow[row]!))
      reference(CSV_FILES.orders, 'customer_id', false, 'customers.csv', orderAt(row));
    if (!productKeys.has(ordersKeys.product_id.byRow[row]!))
      reference(CSV_FILES.orders, 'product_id', false, 'products.csv', orderAt(row));
  }
  const ordersById = uniqueLookup(ordersTable, ordersKeys.order_id.sorted, 'order');
  const orderByTracking = uniqueLookup(ordersTable, ordersKeys.tracking_number.sorted, 'tracking');
  const ordersByCustomer = groupedLookup(
    ordersTable,
    ordersKeys.customer_id.sorted,
    'customer',
    // Newest first: what a caller asks about is almost always their latest order.
    (a, b) => (a.order_date < b.order_date ? 1 : a.order_date > b.order_date ? -1 : 0),
  );

  const delivery = await deliveryData;
  const deliveryTable = new RowTable(delivery, Object.keys(deliveryRow.shape), toDelivery);
  const deliveryKeys = delivery.keys as FileKeys<'delivery'>;
  uniqueRows(
    CSV_FILES.delivery,
    delivery,
    'tracking_number',
    deliveryKeys.tracking_number,
    (key) => `duplicate id ${idOfKey('tracking', key)}`,
  );
  for (let row = 0; row < deliveryTable.size; row++) {
    if (findRow(ordersKeys.tracking_number.sorted, deliveryKeys.tracking_number.byRow[row]!) < 0)
      reference(
        CSV_FILES.delivery,
        'tracking_number',
        false,
        'orders.csv',
        positionOf(delivery, row),
      );
  }
  const deliveries = uniqueLookup(deliveryTable, deliveryKeys.tracking_number.sorted, 'tracking');
  for (const { orderId, line, column } of returnedOrders)
    reference(CSV_FILES.returns, 'order_id', ordersById.has(orderId), 'orders.csv', {
      line,
      offset: 0,
      column: () => column,
    });

  const policies = await loadPolicies(join(dir, POLICIES_FILE));
  return indexStore(
    {
      customers,
      customersByPhone,
      products,
      orders: ordersById,
      orderByTracking,
      ordersByCustomer,
      deliveries,
      returnsByOrder,
      policies,
    },
    options.defaultCountry,
  );
}

async function loadPolicies(path: string): Promise<StorePolicies> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new StoreLoadError(POLICIES_FILE, undefined, undefined, 'file not found');
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const position = lineCounter.linePos(yamlError.pos[0]);
    throw new StoreLoadError(
      POLICIES_FILE,
      position.line,
      position.col,
      `invalid YAML (${yamlError.code})`,
    );
  }
  const parsed = policiesSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = document.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
    const position = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    throw new StoreLoadError(
      POLICIES_FILE,
      position?.line,
      position?.col,
      `${issue.path.join('.') || 'document'}: ${issue.message}`,
    );
  }
  return parsed.data;
}
