import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIZES, generateStore, type StoreCounts } from './generate.js';
import {
  COUNTRIES,
  DELIVERY_STATUSES,
  LOYALTY_LEVELS,
  ORDER_STATUSES,
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  RETURN_STATUSES,
  STAGES_BY_DELIVERY_STATUS,
  STOCK_STATUSES,
  STORE_FILES,
  type DeliveryStatus,
  type OrderStatus,
  type StoreFileKey,
  type CustomerRow,
  type DeliveryRow,
  type OrderRow,
  type ProductRow,
  type ReturnRow,
} from './schema.js';

const DATA_DIR = fileURLToPath(new URL('..', import.meta.url));
const FILE_KEYS = Object.keys(STORE_FILES) as StoreFileKey[];

/** A strict RFC 4180 reader, independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"' && field === '') {
      i++;
      for (;;) {
        const next = text.indexOf('"', i);
        if (next < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, next);
        if (text[next + 1] === '"') {
          field += '"';
          i = next + 2;
        } else {
          i = next + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n') {
        throw new Error(`text after a closing quote at ${i}`);
      }
    } else if (char === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (char === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += char;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record has no line ending');
  return records;
}

/** Country code and number, digits only: enough to compare the formats the generator writes. */
function phoneKey(phone: string): string {
  const text = phone.replace(/\s*(?:ext\.|x)\s*\d+$/, '').replace('(0)', '');
  const digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) return digits;
  if (text.startsWith('00')) return digits.slice(2);
  return digits.length === 10 ? `1${digits}` : digits;
}

interface Store {
  customers: CustomerRow[];
  products: ProductRow[];
  orders: OrderRow[];
  delivery: DeliveryRow[];
  returns: ReturnRow[];
}

/** Rows of one file as objects; the header must be exactly the file's columns. */
async function readRows<C extends string>(
  path: string,
  columns: readonly C[],
): Promise<Record<C, string>[]> {
  const [header, ...records] = parseCsv(await readFile(path, 'utf8'));
  expect(header).toEqual(columns);
  return records.map((cells) => {
    expect(cells).toHaveLength(columns.length);
    return Object.fromEntries(columns.map((column, i) => [column, cells[i]])) as Record<C, string>;
  });
}

async function readStore(dir: string): Promise<Store> {
  const rows = <K extends StoreFileKey>(key: K) =>
    readRows(join(dir, STORE_FILES[key].file), STORE_FILES[key].columns);
  return {
    customers: await rows('customers'),
    products: await rows('products'),
    orders: await rows('orders'),
    delivery: await rows('delivery'),
    returns: await rows('returns'),
  };
}

async function readBytes(dir: string): Promise<Record<StoreFileKey, Buffer>> {
  const files = {} as Record<StoreFileKey, Buffer>;
  for (const key of FILE_KEYS) files[key] = await readFile(join(dir, STORE_FILES[key].file));
  return files;
}

describe('generateStore (small, seed 42)', () => {
  let root: string;
  let counts: StoreCounts;
  let bytes: Record<StoreFileKey, Buffer>;
  let store: Store;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'store-'));
    counts = await generateStore({ seed: 42, ...SIZES.small, out: join(root, 'a') });
    bytes = await readBytes(join(root, 'a'));
    store = await readStore(join(root, 'a'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reproduces the committed data/*.csv byte for byte', async () => {
    const committed = await readBytes(DATA_DIR);
    for (const key of FILE_KEYS) {
      expect(
        bytes[key].equals(committed[key]),
        `${STORE_FILES[key].file} differs: run npm run data:generate`,
      ).toBe(true);
    }
  });

  it('is deterministic for a seed and differs for another', async () => {
    await generateStore({ seed: 42, ...SIZES.small, out: join(root, 'b') });
    await generateStore({ seed: 7, ...SIZES.small, out: join(root, 'c') });
    const again = await readBytes(join(root, 'b'));
    const other = await readBytes(join(root, 'c'));
    for (const key of FILE_KEYS) expect(again[key].equals(bytes[key])).toBe(true);
    for (const key of ['customers', 'products', 'orders'] as const) {
      expect(other[key].equals(bytes[key])).toBe(false);
    }
  });

  it('writes UTF-8 without BOM, LF line endings and the exact headers', () => {
    const headers: Record<StoreFileKey, string> = {
      customers: 'customer_id,name,email,phone,city,country,member_since,loyalty_level',
      products:
        'product_id,name,category,brand,price,currency,rating,stock_status,description,warranty_months,returnable',
      orders:
        'order_id,customer_id,product_id,quantity,order_date,order_status,payment_status,delivery_status,delivery_eta,shipping_provider,tracking_number',
      delivery: 'tracking_number,current_location,delivery_stage,last_updated,delivery_agent',
      returns:
        'return_id,order_id,product_id,return_reason,return_status,refund_amount,refund_status,return_date',
    };
    for (const key of FILE_KEYS) {
      const text = bytes[key].toString('utf8');
      expect(bytes[key][0]).not.toBe(0xef);
      expect(text).not.toContain('\r');
      expect(text.slice(0, text.indexOf('\n'))).toBe(headers[key]);
      expect(text.endsWith('\n')).toBe(true);
    }
  });

  it('writes the requested row counts with sequential ids', () => {
    expect(counts).toEqual({
      customers: 300,
      products: 200,
      orders: 3000,
      delivery: store.delivery.length,
      returns: store.returns.length,
    });
    const sequential = (ids: string[], prefix: string, first: number): void => {
      expect(ids).toEqual(ids.map((_, i) => `${prefix}${first + i}`));
    };
    sequential(
      store.customers.map((row) => row.customer_id),
      'C',
      5000,
    );
    sequential(
      store.products.map((row) => row.product_id),
      'P',
      1000,
    );
    sequential(
      store.orders.map((row) => row.order_id),
      'O',
      9000,
    );
    sequential(
      store.delivery.map((row) => row.tracking_number),
      'TRK',
      10000,
    );
    sequential(
      store.returns.map((row) => row.return_id),
      'R',
      7000,
    );
  });

  it('has exactly one delivery row per tracking number, and no other', () => {
    const tracked = store.orders.map((row) => row.tracking_number).filter((t) => t !== '');
    const delivered = store.delivery.map((row) => row.tracking_number);
    expect(new Set(tracked).size).toBe(tracked.length);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort()).toEqual([...tracked].sort());
    for (const order of store.orders) {
      const shipped = ['Shipped', 'Delivered', 'Returned'].includes(order.order_status);
      expect(order.tracking_number !== '', order.order_id).toBe(shipped);
    }
  });

  it('only returns existing, delivered orders, with their product', () => {
    const orders = new Map(store.orders.map((row) => [row.order_id, row]));
    const returned = new Set<string>();
    for (const ret of store.returns) {
      const order = orders.get(ret.order_id);
      expect(order, ret.return_id).toBeDefined();
      expect(ret.product_id).toBe(order?.product_id);
      expect(['Delivered', 'Returned']).toContain(order?.order_status);
      returned.add(ret.order_id);
    }
    for (const order of store.orders) {
      if (order.order_status === 'Returned') expect(returned.has(order.order_id)).toBe(true);
    }
  });

  it('gives every customer their own phone number, except the household C5002/C5003', () => {
    const owners = new Map<string, string[]>();
    for (const row of store.customers) {
      const key = phoneKey(row.phone);
      owners.set(key, [...(owners.get(key) ?? []), row.customer_id]);
    }
    const shared = [...owners.values()].filter((ids) => ids.length > 1);
    expect(shared).toEqual([['C5002', 'C5003']]);
    const [first, second] = store.customers.slice(2, 4).map((row) => row.phone);
    expect(first).not.toBe(second);
  });

  it('follows the value conventions the MCP loader validates', () => {
    const date = /^\d{4}-\d{2}-\d{2}$/;
    const money = /^\d+\.\d{2}$/;
    const today = '2026-11-20';
    for (const c of store.customers) {
      expect(COUNTRIES).toContain(c.country);
      expect(['', ...LOYALTY_LEVELS]).toContain(c.loyalty_level);
      expect(c.member_since).toMatch(date);
    }
    const prices = new Map<string, number>();
    for (const p of store.products) {
      expect(p.price).toMatch(money);
      expect(p.currency).toBe('USD');
      expect(p.rating).toMatch(/^$|^[1-5]\.\d$/);
      expect(['', '0', '3', '6', '12', '24', '36']).toContain(p.warranty_months);
      expect(['Yes', 'No']).toContain(p.returnable);
      expect(STOCK_STATUSES).toContain(p.stock_status);
      prices.set(p.product_id, Math.round(Number(p.price) * 100));
    }
    const stageOf = new Map(store.delivery.map((d) => [d.tracking_number, d]));
    for (const o of store.orders) {
      expect(o.order_date).toMatch(date);
      expect(o.order_date <= today).toBe(true);
      if (o.delivery_eta !== '') expect(o.delivery_eta > o.order_date, o.order_id).toBe(true);
      const status = o.order_status as OrderStatus;
      expect(ORDER_STATUSES).toContain(status);
      expect(PAYMENT_STATUSES).toContain(o.payment_status);
      if (status === 'Cancelled') {
        expect(o.delivery_status).toBe('');
        expect(['Refunded', 'Failed']).toContain(o.payment_status);
        continue;
      }
      const delivery = o.delivery_status as DeliveryStatus;
      expect(DELIVERY_STATUSES).toContain(delivery);
      if (status === 'Processing') expect(delivery).toBe('Pending');
      if (status === 'Shipped')
        expect(['In Transit', 'Out for Delivery', 'Delayed']).toContain(delivery);
      if (status === 'Delivered' || status === 'Returned') {
        expect(delivery).toBe('Delivered');
        expect(o.delivery_eta < today).toBe(true);
      }
      expect(o.shipping_provider === '').toBe(o.tracking_number === '');
      const row = stageOf.get(o.tracking_number);
      if (row) {
        expect(STAGES_BY_DELIVERY_STATUS[delivery]).toContain(row.delivery_stage);
        expect(row.last_updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        const withAgent =
          row.delivery_stage === 'Out for Delivery' || row.delivery_stage === 'Delivered';
        expect(row.delivery_agent !== '').toBe(withAgent);
      }
    }
    const orders = new Map(store.orders.map((o) => [o.order_id, o]));
    for (const r of store.returns) {
      const order = orders.get(r.order_id);
      if (!order) throw new Error(`${r.return_id}: no order ${r.order_id}`);
      expect(r.refund_amount).toMatch(money);
      expect(r.return_date > order.order_date && r.return_date <= today).toBe(true);
      const max = (prices.get(order.product_id) ?? 0) * Number(order.quantity);
      expect(Math.round(Number(r.refund_amount) * 100)).toBeLessThanOrEqual(max);
      expect(RETURN_STATUSES).toContain(r.return_status);
      expect(REFUND_STATUSES).toContain(r.refund_status);
      if (r.return_status === 'Rejected') {
        expect([r.refund_amount, r.refund_status]).toEqual(['0.00', 'Not Applicable']);
      }
    }
  });

  it('starts with the hand-written fixtures', () => {
    expect(store.customers[0]).toMatchObject({
      customer_id: 'C5000',
      name: 'Ana García',
      email: 'ana.garcia@example.com',
      phone: '+1 (415) 555-0100',
      loyalty_level: 'Gold',
    });
    expect(store.customers[1]).toMatchObject({ customer_id: 'C5001', name: "Bob O'Neil" });
    expect(store.products[0]).toMatchObject({
      product_id: 'P1000',
      brand: 'Sonora',
      price: '199.99',
    });
    expect(store.products[1]).toMatchObject({
      product_id: 'P1001',
      name: '15" Laptop Sleeve, Grey',
    });
    expect(store.orders[2]).toMatchObject({
      order_id: 'O9002',
      customer_id: 'C5000',
      delivery_status: 'Out for Delivery',
      tracking_number: 'TRK10002',
    });
    expect(store.orders[3]).toMatchObject({
      order_id: 'O9003',
      customer_id: 'C5001',
      order_status: 'Processing',
      tracking_number: '',
    });
    expect(store.returns[0]).toMatchObject({
      return_id: 'R7000',
      order_id: 'O9000',
      return_status: 'Refunded',
    });
    expect(
      store.orders.filter((row) => row.customer_id === 'C5000').map((row) => row.order_id),
    ).toEqual(['O9000', 'O9001', 'O9002']);
  });
});
