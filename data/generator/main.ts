/**
 * Generates the store's CSV files.
 *
 *   npm run data:generate                                   # the committed small store, into data/
 *   npm run data:generate -- --size large --out bench/.data/large
 *   npm run data:generate -- --seed 7 --customers 50 --products 20 --orders 400 --out /tmp/s
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SIZES, generateStore, type SizeName, type StoreOptions } from './generate.js';
import { STORE_FILES, type StoreFileKey } from './schema.js';

const DATA_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm run -w data` runs in data/; a relative --out means relative to where npm was invoked
 * (INIT_CWD), so `npm run data:generate -- --out bench/.data/large` from the root does what it says.
 */
const INVOKED_FROM = process.env.INIT_CWD ?? process.cwd();

const USAGE = `Usage: npm run data:generate -- [--out DIR] [--seed N] [--size small|large]
                             [--customers N] [--products N] [--orders N]
  --out DIR      where to write the CSV files (default: the data/ folder)
  --seed N       seed of the random generator (default: 42)
  --size NAME    small (${describe('small')}, the default) or large (${describe('large')})
  --customers N, --products N, --orders N   override the size's counts`;

function describe(size: SizeName): string {
  const { customers, products, orders } = SIZES[size];
  return `${customers} customers, ${products} products, ${orders} orders`;
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be an integer, got "${value}"`);
  return Number(value);
}

function parseOptions(argv: readonly string[]): StoreOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string' },
      customers: { type: 'string' },
      products: { type: 'string' },
      orders: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const sizeName = values.size ?? 'small';
  if (!Object.hasOwn(SIZES, sizeName)) {
    throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got "${sizeName}"`);
  }
  const size = SIZES[sizeName as SizeName];
  return {
    out: values.out === undefined ? DATA_DIR : resolve(INVOKED_FROM, values.out),
    seed: integer('seed', values.seed) ?? 42,
    customers: integer('customers', values.customers) ?? size.customers,
    products: integer('products', values.products) ?? size.products,
    orders: integer('orders', values.orders) ?? size.orders,
  };
}

const POLICIES_FILE = 'store_policies.yaml';

async function main(): Promise<void> {
  let options: StoreOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const counts = await generateStore(options);
  for (const key of Object.keys(STORE_FILES) as StoreFileKey[]) {
    const rows = String(counts[key]).padStart(9);
    console.log(`${rows} rows  ${join(options.out, STORE_FILES[key].file)}`);
  }
  // A store elsewhere is complete only with the policies the MCP server also loads.
  const policies = join(options.out, POLICIES_FILE);
  if (!existsSync(policies)) {
    await copyFile(join(DATA_DIR, POLICIES_FILE), policies);
    console.log(`   copied  ${policies}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`seed ${options.seed}, ${seconds} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
