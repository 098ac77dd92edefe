/**
 * Writes a whole store (the five CSV files) for a seed and size. Rows are streamed to disk as
 * they are made; only what later files refer to (customer profiles, product prices) is kept.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCsvWriter, type CsvWriter } from './csv.js';
import { createCustomerFactory, profileOf, type CustomerProfile } from './customers.js';
import {
  FIXTURE_CUSTOMERS,
  FIXTURE_ORDERS,
  FIXTURE_PHONES_E164,
  FIXTURE_PRODUCTS,
} from './fixtures.js';
import { createEmailBook } from './names.js';
import { createOrderFactory } from './orders.js';
import { createPhoneBook } from './phones.js';
import { createProductFactory, parseCents } from './products.js';
import { STORE_FILES, customerId, productId, toCells, type StoreFileKey } from './schema.js';

export interface StoreSize {
  readonly customers: number;
  readonly products: number;
  readonly orders: number;
}

export const SIZES = {
  /** The store committed in data/*.csv. */
  small: { customers: 300, products: 200, orders: 3_000 },
  /** For benchmarks (`bench/.data/large`). */
  large: { customers: 100_000, products: 5_000, orders: 1_000_000 },
} as const satisfies Record<string, StoreSize>;

export type SizeName = keyof typeof SIZES;

export interface StoreOptions extends StoreSize {
  readonly seed: number;
  /** Directory the CSV files are written to (created if missing). */
  readonly out: string;
}

/** Rows written per file (headers not counted). */
export type StoreCounts = Record<StoreFileKey, number>;

/** Smallest sizes: the hand-written fixtures come first in every store. */
export const MINIMUM_SIZE: StoreSize = {
  customers: FIXTURE_CUSTOMERS.length + 1,
  products: FIXTURE_PRODUCTS.length,
  orders: FIXTURE_ORDERS.length,
};

/** Rows buffered between two awaits of the writers' backpressure. */
const FLUSH_EVERY = 512;

export function validateOptions(options: StoreOptions): void {
  if (!Number.isSafeInteger(options.seed))
    throw new Error(`seed must be an integer: ${options.seed}`);
  for (const key of ['customers', 'products', 'orders'] as const) {
    const value = options[key];
    if (!Number.isSafeInteger(value) || value < MINIMUM_SIZE[key]) {
      throw new Error(`${key} must be an integer of at least ${MINIMUM_SIZE[key]}: ${value}`);
    }
  }
}

async function flushAll(writers: readonly CsvWriter[]): Promise<void> {
  for (const writer of writers) await writer.flush();
}

export async function generateStore(options: StoreOptions): Promise<StoreCounts> {
  validateOptions(options);
  const { seed, out } = options;
  await mkdir(out, { recursive: true });
  const writer = (key: StoreFileKey): CsvWriter =>
    createCsvWriter(join(out, STORE_FILES[key].file), STORE_FILES[key].columns);

  // customers.csv
  const phones = createPhoneBook(seed);
  const emails = createEmailBook();
  for (const phone of FIXTURE_PHONES_E164) phones.reserve(phone);
  for (const fixture of FIXTURE_CUSTOMERS) emails.reserve(fixture.email);
  const customers = writer('customers');
  const profiles: CustomerProfile[] = [];
  for (const fixture of FIXTURE_CUSTOMERS) {
    customers.write(toCells(STORE_FILES.customers.columns, fixture));
    profiles.push(profileOf(fixture));
  }
  const nextCustomer = createCustomerFactory({ seed, phones, emails });
  for (let i = FIXTURE_CUSTOMERS.length; i < options.customers; i++) {
    const { row, profile } = nextCustomer(customerId(i));
    customers.write(toCells(STORE_FILES.customers.columns, row));
    profiles.push(profile);
    if (i % FLUSH_EVERY === 0) await customers.flush();
  }
  await customers.close();

  // products.csv
  const products = writer('products');
  const prices = new Int32Array(options.products);
  FIXTURE_PRODUCTS.forEach((fixture, i) => {
    products.write(toCells(STORE_FILES.products.columns, fixture));
    prices[i] = parseCents(fixture.price);
  });
  const nextProduct = createProductFactory(seed);
  for (let i = FIXTURE_PRODUCTS.length; i < options.products; i++) {
    const { row, priceCents } = nextProduct(productId(i));
    products.write(toCells(STORE_FILES.products.columns, row));
    prices[i] = priceCents;
    if (i % FLUSH_EVERY === 0) await products.flush();
  }
  await products.close();

  // orders.csv, delivery.csv, returns.csv
  const orders = writer('orders');
  const deliveries = writer('delivery');
  const returns = writer('returns');
  const all = [orders, deliveries, returns];
  for (const fixture of FIXTURE_ORDERS) {
    orders.write(toCells(STORE_FILES.orders.columns, fixture.order));
    if (fixture.delivery) deliveries.write(toCells(STORE_FILES.delivery.columns, fixture.delivery));
    if (fixture.return) returns.write(toCells(STORE_FILES.returns.columns, fixture.return));
  }
  const nextOrder = createOrderFactory({
    seed,
    customers: profiles,
    firstCustomer: FIXTURE_CUSTOMERS.length,
    customerIds: customerId,
    productPrices: prices,
    productIds: productId,
    start: { order: orders.rows, tracking: deliveries.rows, return: returns.rows },
  });
  for (let i = FIXTURE_ORDERS.length; i < options.orders; i++) {
    const generated = nextOrder();
    orders.write(toCells(STORE_FILES.orders.columns, generated.order));
    if (generated.delivery)
      deliveries.write(toCells(STORE_FILES.delivery.columns, generated.delivery));
    if (generated.return) returns.write(toCells(STORE_FILES.returns.columns, generated.return));
    if (i % FLUSH_EVERY === 0) await flushAll(all);
  }
  await Promise.all(all.map((w) => w.close()));

  return {
    customers: customers.rows,
    products: products.rows,
    orders: orders.rows,
    delivery: deliveries.rows,
    returns: returns.rows,
  };
}
