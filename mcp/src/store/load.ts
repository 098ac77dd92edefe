import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { LineCounter, parseDocument } from 'yaml';
import { readCsv, type RowPosition } from './csv.js';
import { StoreLoadError } from './errors.js';
import { toE164 } from './phone.js';
import {
  CSV_FILES,
  POLICIES_FILE,
  policiesSchema,
  type Customer,
  type Delivery,
  type Intern,
  type Order,
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
  /** Data problems that do not stop serving (a reference to a row that is not there, say). */
  onWarning?: ((warning: StoreWarning) => void) | undefined;
}

type CsvFile = (typeof CSV_FILES)[keyof typeof CSV_FILES];
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

  const orders = new Map<string, Order>();
  const orderByTracking = new Map<string, Order>();
  const ordersByCustomer = new Map<string, Order[]>();
  await read(CSV_FILES.orders, (order, at) => {
    unique(orders, CSV_FILES.orders, 'order_id', order.order_id, at, order);
    if (order.tracking_number !== null) {
      const owner = orderByTracking.get(order.tracking_number);
      if (owner !== undefined) {
        throw new StoreLoadError(
          CSV_FILES.orders.file,
          at.line,
          at.column('tracking_number'),
          `tracking_number: ${order.tracking_number} is already used by order ${owner.order_id} (one order per tracking number)`,
        );
      }
      orderByTracking.set(order.tracking_number, order);
    }
    reference(
      CSV_FILES.orders,
      'customer_id',
      customers.has(order.customer_id),
      'customers.csv',
      at,
    );
    reference(CSV_FILES.orders, 'product_id', products.has(order.product_id), 'products.csv', at);
    const list = ordersByCustomer.get(order.customer_id);
    if (list === undefined) ordersByCustomer.set(order.customer_id, [order]);
    else list.push(order);
  });

  const deliveries = new Map<string, Delivery>();
  await read(CSV_FILES.delivery, (delivery, at) => {
    unique(
      deliveries,
      CSV_FILES.delivery,
      'tracking_number',
      delivery.tracking_number,
      at,
      delivery,
    );
    reference(
      CSV_FILES.delivery,
      'tracking_number',
      orderByTracking.has(delivery.tracking_number),
      'orders.csv',
      at,
    );
  });

  const returnIds = new Set<string>();
  const returnsByOrder = new Map<string, ReturnRecord[]>();
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
    reference(CSV_FILES.returns, 'order_id', orders.has(record.order_id), 'orders.csv', at);
    const list = returnsByOrder.get(record.order_id);
    if (list === undefined) returnsByOrder.set(record.order_id, [record]);
    else list.push(record);
  });

  const policies = await loadPolicies(join(dir, POLICIES_FILE));
  return indexStore(
    {
      customers,
      customersByPhone,
      products,
      orders,
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
