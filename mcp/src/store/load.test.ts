import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_FILES, writeFixtureStore } from '../testing/fixture-store.js';
import { StoreLoadError } from './errors.js';
import { loadStore, type StoreWarning } from './load.js';

const load = (dir: string, onWarning?: (warning: StoreWarning) => void) =>
  loadStore(dir, { defaultCountry: 'US', onWarning });

async function loadError(
  replace: Parameters<typeof writeFixtureStore>[0],
): Promise<StoreLoadError> {
  const error = await load(writeFixtureStore(replace)).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(StoreLoadError);
  return error as StoreLoadError;
}

describe('loadStore', () => {
  it('loads and indexes every file', async () => {
    const store = await load(writeFixtureStore());
    expect(store.customers.size).toBe(5);
    expect(store.orders.get('O9002')).toMatchObject({
      customer_id: 'C5000',
      quantity: 1,
      tracking_number: 'TRK10002',
    });
    expect(store.ordersByCustomer.get('C5000')?.map((order) => order.order_id)).toEqual([
      'O9002',
      'O9001',
      'O9000',
    ]);
    expect(store.orderByTracking.get('TRK10004')?.order_id).toBe('O9004');
    expect(store.returnsByOrder.get('O9000')?.[0]?.return_reason).toBe(
      'Arrived damaged, box was "crushed"',
    );
    expect(store.products.get('P1001')).toMatchObject({
      name: '15" Laptop Sleeve, Grey',
      rating: null,
      warranty_months: null,
      returnable: false,
    });
    expect(store.customers.get('C5002')?.city).toBe('Washington, D.C.');
    expect(store.customers.get('C5000')?.name).toBe('Ana García');
    expect(store.policies.return_window_days).toBe(30);
  });

  it('indexes customers by normalized phone, a shared household number under both', async () => {
    const store = await load(writeFixtureStore());
    expect(store.customersByPhone.get('+14155550100')).toEqual(['C5000']);
    expect(store.customersByPhone.get('+14155550101')).toEqual(['C5001']);
    expect(store.customersByPhone.get('+442079460123')).toEqual(['C5002']);
    expect(store.customersByPhone.get('+12125550150')).toEqual(['C5003', 'C5004']);
  });

  it('indexes orders in a worker thread with the same result', async () => {
    const dir = writeFixtureStore();
    const inline = await loadStore(dir, { defaultCountry: 'US', threads: false });
    const threaded = await loadStore(dir, { defaultCountry: 'US', threads: true });
    expect([...threaded.orders.values()]).toEqual([...inline.orders.values()]);
    expect([...threaded.deliveries.keys()]).toEqual([...inline.deliveries.keys()]);
    expect(threaded.ordersByCustomer.get('C5000')).toEqual(inline.ordersByCustomer.get('C5000'));
    expect(threaded.orderByTracking.get('trk10004')?.order_id).toBe('O9004');
  });

  it('reports a bad row found in a worker thread with its file, line and column', async () => {
    const orders = FIXTURE_FILES['orders.csv'].replace(
      'O9002,C5000,P1002,1,',
      'O9002,C5000,P1002,0,',
    );
    const error = await loadStore(writeFixtureStore({ 'orders.csv': orders }), {
      defaultCountry: 'US',
      threads: true,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreLoadError);
    expect((error as StoreLoadError).file).toBe('orders.csv');
    expect((error as StoreLoadError).line).toBe(
      orders.split('\n').findIndex((line) => line.startsWith('O9002')) + 1,
    );
    expect((error as StoreLoadError).column).toBe(4);
    expect((error as StoreLoadError).detail).toMatch(/^quantity: /);
  });

  it('accepts a UTF-8 BOM and CRLF line endings', async () => {
    const crlf = (text: string) => `\uFEFF${text.replace(/\n/g, '\r\n')}`;
    const store = await load(
      writeFixtureStore({
        'customers.csv': crlf(FIXTURE_FILES['customers.csv']),
        'orders.csv': crlf(FIXTURE_FILES['orders.csv']),
      }),
    );
    expect(store.customers.get('C5000')?.loyalty_level).toBe('Gold');
    expect(store.orders.get('O9005')?.tracking_number).toBe('TRK10005');
  });

  it('accepts columns in another order and ignores extra columns', async () => {
    const store = await load(
      writeFixtureStore({
        'returns.csv': `return_date,return_id,order_id,product_id,return_reason,return_status,refund_amount,refund_status,internal_note
2026-10-08,R7000,O9000,P1000,Damaged,Refunded,199.99,Processed,ignored
`,
      }),
    );
    expect(store.returnsByOrder.get('O9000')?.[0]).toMatchObject({
      return_id: 'R7000',
      return_date: '2026-10-08',
    });
  });

  it('names file, line and column of an invalid value', async () => {
    const orders = FIXTURE_FILES['orders.csv'].replace(
      'O9003,C5001,P1002,1,2026-11-18',
      'O9003,C5001,P1002,1,18/11/2026',
    );
    const error = await loadError({ 'orders.csv': orders });
    expect(error).toMatchObject({ file: 'orders.csv', line: 5, column: 5 });
    expect(error.message).toBe('orders.csv:5:5: order_date: expected a date as YYYY-MM-DD');
  });

  it('reports a row with a wrong number of fields (an unquoted comma)', async () => {
    const products = `${FIXTURE_FILES['products.csv']}P1004,Mug, large,Home,Brand,9.99,USD,4.0,In Stock,A mug,0,Yes\n`;
    const error = await loadError({ 'products.csv': products });
    expect(error.file).toBe('products.csv');
    expect(error.line).toBe(6);
    expect(error.detail).toMatch(/wrong number of fields/);
  });

  it('reports an unclosed quote', async () => {
    const error = await loadError({
      'delivery.csv': `${FIXTURE_FILES['delivery.csv']}TRK10005,"Memphis, TN,In Transit,,\n`,
    });
    expect(error).toMatchObject({ file: 'delivery.csv' });
    expect(error.detail).toMatch(/never closed/);
  });

  it('reports duplicate ids with the line of the second one', async () => {
    const error = await loadError({
      'customers.csv': `${FIXTURE_FILES['customers.csv']}c5001,Copy,copy@example.com,,,,,\n`,
    });
    expect(error.message).toBe('customers.csv:7:1: customer_id: duplicate id C5001');
  });

  it('refuses a tracking number shared by two orders', async () => {
    const error = await loadError({
      'orders.csv': `${FIXTURE_FILES['orders.csv']}O9006,C5001,P1000,1,2026-11-19,Shipped,Paid,In Transit,2026-11-25,USPS,TRK10005\n`,
    });
    expect(error).toMatchObject({ file: 'orders.csv', line: 8, column: 11 });
    expect(error.detail).toMatch(/already used by order O9005/);
  });

  it('reports missing columns', async () => {
    const error = await loadError({
      'products.csv': 'product_id,name,price\nP1000,Headphones,199.99\n',
    });
    expect(error.file).toBe('products.csv');
    expect(error.line).toBe(1);
    expect(error.detail).toMatch(/missing column\(s\) category, brand, currency/);
  });

  it('reports an empty or missing file', async () => {
    expect((await loadError({ 'returns.csv': '' })).detail).toMatch(/empty/);
    const dir = writeFixtureStore();
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'delivery.csv'));
    await expect(load(dir)).rejects.toThrow('delivery.csv: file not found');
  });

  it('reports invalid policies with their line', async () => {
    const broken = FIXTURE_FILES['store_policies.yaml'].replace(
      'return_window_days: 30',
      'return_window_days: thirty',
    );
    const error = await loadError({ 'store_policies.yaml': broken });
    expect(error).toMatchObject({ file: 'store_policies.yaml', line: 4 });
    expect(error.detail).toMatch(/return_window_days/);
    const badYaml = await loadError({ 'store_policies.yaml': 'store_name: [unclosed\n' });
    expect(badYaml.detail).toMatch(/invalid YAML/);
  });

  it('warns, without failing, about references to rows that are not there', async () => {
    const warnings: StoreWarning[] = [];
    await load(
      writeFixtureStore({
        'orders.csv': `${FIXTURE_FILES['orders.csv']}O9006,C5999,P1000,1,2026-11-19,Processing,Paid,Pending,,,\n`,
      }),
      (warning) => warnings.push(warning),
    );
    expect(warnings).toEqual([
      { file: 'orders.csv', line: 8, column: 2, message: 'customer_id is not in customers.csv' },
    ]);
  });

  it('never writes to the data folder', async () => {
    const dir = writeFixtureStore();
    const before = readdirSync(dir).map((file) => [
      file,
      statSync(join(dir, file)).mtimeMs,
      readFileSync(join(dir, file), 'utf8'),
    ]);
    await load(dir);
    const after = readdirSync(dir).map((file) => [
      file,
      statSync(join(dir, file)).mtimeMs,
      readFileSync(join(dir, file), 'utf8'),
    ]);
    expect(after).toEqual(before);
  });

  const committed = fileURLToPath(new URL('../../../data/', import.meta.url));
  it.runIf(existsSync(join(committed, 'orders.csv')))(
    'loads the committed store without errors or warnings',
    async () => {
      const warnings: StoreWarning[] = [];
      const store = await load(committed, (warning) => warnings.push(warning));
      expect(warnings).toEqual([]);
      expect(store.orders.size).toBeGreaterThanOrEqual(3000);
      expect(store.customers.size).toBeGreaterThanOrEqual(300);
      expect(store.orders.get('O9002')?.customer_id).toBe('C5000');
    },
  );
});
