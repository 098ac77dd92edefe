import { z } from 'zod';
import { verifiedCustomer } from '../caller-session.js';
import { spokenAmount, spokenDate } from '../speech.js';
import { didYouMeanField, notFound } from './not-found.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { returnView, toReturnView } from './views.js';

export const getReturnStatus = defineTool({
  name: 'get_return_status',
  annotations: {
    title: 'Return and refund status',
    // Read-only, though what it shows depends on who is verified.
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Return and refund status for an order id (like O9000): return status, refund amount with currency, refund status and dates. When there is no return, says whether the product can be returned and the return window.',
  inputSchema: {
    order_id: idArgument('Order id as the caller said or typed it, e.g. "O9000" or "9000"'),
  },
  outputSchema: {
    status: z.enum(['found', 'no_return', 'not_found']),
    order_id: z.string(),
    returns: z.array(returnView).optional(),
    returnable: z
      .boolean()
      .nullable()
      .optional()
      .describe('Whether the ordered product can be returned (when there is no return yet)'),
    return_window_days: z.number().optional(),
    did_you_mean: didYouMeanField,
  },
  handler({ order_id }, context) {
    const store = context.store();
    const id = requireId('order', order_id);
    const order = store.orders.get(id);
    if (order === undefined) {
      return notFound({
        kind: 'order',
        key: 'order_id',
        id,
        exists: (candidate) => store.orders.has(candidate),
      });
    }
    const records = store.returnsByOrder.get(id) ?? [];
    const windowDays = store.policies.return_window_days;
    if (records.length === 0) {
      const returnable = store.products.get(order.product_id)?.returnable ?? null;
      const rule =
        returnable === null
          ? `The return window is ${windowDays} days.`
          : returnable
            ? `The product can be returned within ${windowDays} days of delivery.`
            : 'The product cannot be returned.';
      return {
        structured: {
          status: 'no_return' as const,
          order_id: id,
          returnable,
          return_window_days: windowDays,
        },
        text: `There is no return for order ${id}. ${rule}`,
      };
    }
    // The reason is the customer's own words: only for the verified customer who placed the order.
    const ownOrder = verifiedCustomer(context.session, store)?.customerId === order.customer_id;
    const views = records.map((record) => toReturnView(record, store, ownOrder));
    const text = views
      .map(
        (view) =>
          `Return ${view.return_id} for order ${id}${view.return_date ? `, opened ${spokenDate(view.return_date)}` : ''}: ${view.return_status}.` +
          (view.refund_amount > 0
            ? ` Refund of ${spokenAmount(view.refund_amount, view.currency)}`
            : ' No refund amount') +
          (view.refund_status ? `, refund ${view.refund_status}.` : '.'),
      )
      .join(' ');
    return { structured: { status: 'found' as const, order_id: id, returns: views }, text };
  },
});
