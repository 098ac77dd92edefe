import { z } from 'zod';
import { spokenAmount } from '../speech.js';
import { didYouMeanField, notFound } from './not-found.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { productView, toProductView } from './views.js';

export const getProduct = defineTool({
  name: 'get_product',
  annotations: {
    title: 'Product details',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Look up one product by its product id (like P1000): name, brand, price with currency, stock, rating, warranty and whether it can be returned.',
  inputSchema: {
    product_id: idArgument('Product id as the caller said it, e.g. "P1000" or "1000"'),
  },
  outputSchema: {
    status: z.enum(['found', 'not_found']),
    product_id: z.string(),
    product: productView.optional(),
    did_you_mean: didYouMeanField,
  },
  handler({ product_id }, context) {
    const store = context.store();
    const id = requireId('product', product_id);
    const product = store.products.get(id);
    if (product === undefined) {
      return notFound({
        kind: 'product',
        key: 'product_id',
        id,
        exists: (candidate) => store.products.has(candidate),
      });
    }
    const parts = [
      `${product.name}${product.brand ? ` by ${product.brand}` : ''} costs ${spokenAmount(product.price, product.currency)}.`,
      product.stock_status ? `Stock: ${product.stock_status}.` : '',
      product.rating !== null ? `Rated ${product.rating} out of 5.` : '',
      product.warranty_months
        ? `${product.warranty_months}-month warranty.`
        : 'No warranty is listed.',
      product.returnable
        ? `It can be returned within ${store.policies.return_window_days} days.`
        : 'It cannot be returned.',
    ];
    return {
      structured: { status: 'found' as const, product_id: id, product: toProductView(product) },
      text: parts.filter(Boolean).join(' '),
    };
  },
});
