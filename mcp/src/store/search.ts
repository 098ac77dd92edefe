import type { Product } from './schemas.js';

export interface ProductMatch {
  product: Product;
  score: number;
}

export interface ProductSearchIndex {
  search(
    query: string,
    options: { category?: string; inStockOnly?: boolean; limit: number },
  ): ProductMatch[];
}

const FIELD_WEIGHTS = { name: 3, brand: 2, category: 2, description: 1 } as const;
const OUT_OF_STOCK = new Set(['out of stock', 'out_of_stock', 'unavailable', 'discontinued']);
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'the',
  'for',
  'of',
  'with',
  'to',
  'in',
  'on',
  'do',
  'you',
  'have',
  'any',
  'i',
  'me',
  'my',
  'is',
  'are',
]);

/** Lower-case words without accents, so "Zoë" matches "zoe" and "Headphones," matches "headphones". */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
}

/** Singular and plural spoken forms find the same products ("headphone" / "headphones"). */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('es') && /(sh|ch|x|ss)es$/.test(word))
    return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function isInStock(product: Product): boolean {
  return product.stock_status === null || !OUT_OF_STOCK.has(product.stock_status.toLowerCase());
}

export function createProductSearchIndex(products: Iterable<Product>): ProductSearchIndex {
  // term → product id → best field weight for that term in that product
  const postings = new Map<string, Map<string, number>>();
  const byId = new Map<string, Product>();
  for (const product of products) {
    byId.set(product.product_id, product);
    for (const [field, weight] of Object.entries(FIELD_WEIGHTS) as [
      keyof typeof FIELD_WEIGHTS,
      number,
    ][]) {
      const value = product[field];
      if (value === null) continue;
      for (const word of words(value)) {
        const term = stem(word);
        let posting = postings.get(term);
        if (posting === undefined) postings.set(term, (posting = new Map()));
        if ((posting.get(product.product_id) ?? 0) < weight)
          posting.set(product.product_id, weight);
      }
    }
  }
  const terms = [...postings.keys()];

  return {
    search(query, { category, inStockOnly = false, limit }) {
      const scores = new Map<string, number>();
      for (const word of new Set(words(query).map(stem))) {
        const exact = postings.get(word);
        if (exact !== undefined) {
          for (const [id, weight] of exact) scores.set(id, (scores.get(id) ?? 0) + weight);
          continue;
        }
        // A word cut short by speech recognition or typing ("headph") matches at half weight.
        if (word.length < 3) continue;
        for (const term of terms) {
          if (!term.startsWith(word)) continue;
          for (const [id, weight] of postings.get(term)!)
            scores.set(id, (scores.get(id) ?? 0) + weight / 2);
        }
      }
      // "kitchen" finds "Home & Kitchen": every word of the asked category must be in the product's.
      const wantedCategory = category === undefined ? [] : words(category).map(stem);
      const matches: ProductMatch[] = [];
      for (const [id, score] of scores) {
        const product = byId.get(id)!;
        if (inStockOnly && !isInStock(product)) continue;
        if (wantedCategory.length > 0) {
          const productCategory = words(product.category ?? '').map(stem);
          if (!wantedCategory.every((word) => productCategory.includes(word))) continue;
        }
        matches.push({ product, score });
      }
      matches.sort(
        (a, b) =>
          b.score - a.score ||
          (b.product.rating ?? 0) - (a.product.rating ?? 0) ||
          a.product.product_id.localeCompare(b.product.product_id),
      );
      return matches.slice(0, limit);
    },
  };
}
