/** products.csv rows: the catalog, priced in USD. */
import { CATEGORIES, COLOURS, DESCRIPTION_EXTRAS, EDITIONS, MODEL_NAMES } from './catalog.js';
import { createRandom, deriveSeed, weightedTable, type Random } from './random.js';
import { formatCents, type ProductRow, type StockStatus } from './schema.js';

export interface GeneratedProduct {
  readonly row: ProductRow;
  readonly priceCents: number;
}

const CATEGORY_WEIGHTS = weightedTable(CATEGORIES.map((category) => [category, category.weight]));

const STOCK = weightedTable<StockStatus>([
  ['In Stock', 72],
  ['Low Stock', 12],
  ['Out of Stock', 9],
  ['Preorder', 7],
]);

const PRICE_ENDINGS = weightedTable([
  [99, 60],
  [49, 12],
  [0, 16],
  [95, 12],
]);

/** Parses a price as written in products.csv (`1299.00`) into cents. */
export function parseCents(price: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(price);
  if (!match) throw new Error(`not a price with two decimals: ${price}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

/** A rating from 1.0 to 5.0, most around 4.3 (sum of uniforms ~ a bell curve). */
function rating(rng: Random): string {
  const bell = rng.next() + rng.next() + rng.next() - 1.5;
  const tenths = Math.max(10, Math.min(50, Math.round(43 + bell * 9)));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function createProductFactory(seed: number): (productId: string) => GeneratedProduct {
  const rng = createRandom(deriveSeed(seed, 'products'));
  return (productId) => {
    const category = rng.weighted(CATEGORY_WEIGHTS);
    const item = rng.pick(category.items);

    let name: string;
    const style = rng.next();
    if (style < 0.3 && category.colours) name = `${item.base}, ${rng.pick(COLOURS)}`;
    else if (style < 0.55) name = `${rng.pick(MODEL_NAMES)} ${item.base}`;
    else if (style < 0.7 && !item.base.includes(','))
      name = `${rng.pick(MODEL_NAMES)} ${item.base} ${rng.pick(EDITIONS)}`;
    else if (style < 0.9 && item.variants) name = `${item.base} (${rng.pick(item.variants)})`;
    else name = item.base;

    const dollars = rng.int(item.minPrice, item.maxPrice);
    const priceCents =
      dollars * 100 + (dollars >= 500 && rng.chance(0.5) ? 0 : rng.weighted(PRICE_ENDINGS));

    const description = rng.chance(0.6)
      ? `${item.about} ${rng.pick(DESCRIPTION_EXTRAS)}`
      : item.about;
    const warranty = rng.chance(0.1) ? '' : String(rng.pick(category.warranties));

    return {
      row: {
        product_id: productId,
        name,
        category: category.name,
        brand: rng.pick(category.brands),
        price: formatCents(priceCents),
        currency: 'USD',
        rating: rng.chance(0.05) ? '' : rating(rng),
        stock_status: rng.weighted(STOCK),
        description,
        warranty_months: warranty,
        returnable: rng.chance(category.nonReturnable) ? 'No' : 'Yes',
      },
      priceCents,
    };
  };
}
