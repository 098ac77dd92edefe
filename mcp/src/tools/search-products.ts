import { z } from 'zod';
import { spokenAmount } from '../speech.js';
import { defineTool, textArgument, ToolInputError } from './tool.js';

const MAX_RESULTS = 5;

const productSummary = z.object({
  product_id: z.string(),
  name: z.string(),
  brand: z.string().nullable(),
  category: z.string().nullable(),
  price: z.number(),
  currency: z.string(),
  stock_status: z.string().nullable(),
  rating: z.number().nullable(),
});

export const searchProducts = defineTool({
  name: 'search_products',
  annotations: {
    title: 'Product search',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description: `Find products by words from their name, brand or category (e.g. "noise cancelling headphones", "Sonora"). Best matches first, at most ${MAX_RESULTS}. Use get_product for full details of one.`,
  inputSchema: {
    query: textArgument('What the caller is looking for, in their words', 200),
    category: textArgument(
      'Optional category to limit the search to, e.g. "Electronics"',
      100,
    ).optional(),
    in_stock_only: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe('Only products that can be bought now'),
  },
  outputSchema: {
    status: z.enum(['found', 'no_match']),
    results: z.array(productSummary),
  },
  handler({ query, category, in_stock_only }, context) {
    if (query.trim().length === 0)
      throw new ToolInputError('query is empty: say what product the caller is looking for.');
    const matches = context.store().productSearch.search(query, {
      category,
      inStockOnly: in_stock_only ?? false,
      limit: MAX_RESULTS,
    });
    const results = matches.map(({ product }) => ({
      product_id: product.product_id,
      name: product.name,
      brand: product.brand,
      category: product.category,
      price: product.price,
      currency: product.currency,
      stock_status: product.stock_status,
      rating: product.rating,
    }));
    if (results.length === 0) {
      return {
        structured: { status: 'no_match' as const, results },
        text: 'No product matches that description.',
      };
    }
    return {
      structured: { status: 'found' as const, results },
      text:
        `${results.length} match${results.length === 1 ? '' : 'es'}. ` +
        results
          .map(
            (result) =>
              `${result.name} (${result.product_id}), ${spokenAmount(result.price, result.currency)}, ${result.stock_status ?? 'stock unknown'}.`,
          )
          .join(' '),
    };
  },
});
