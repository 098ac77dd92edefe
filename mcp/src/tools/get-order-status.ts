import { z } from 'zod';
import type { Order } from '../store/schemas.js';
import type { Store } from '../store/store.js';
import { spokenDate } from '../speech.js';
import { didYouMeanField, notFound } from './not-found.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { orderView, toOrderView } from './views.js';

export function describeOrder(order: Order, store: Store): string {
  const product = store.products.get(order.product_id);
  const what = product
    ? `${order.quantity} × ${product.name}`
    : `${order.quantity} × product ${order.product_id}`;
  const parts = [
    `Order ${order.order_id} (${what}) was placed on ${spokenDate(order.order_date)}.`,
    `Order status: ${order.order_status}.`,
    order.payment_status ? `Payment: ${order.payment_status}.` : '',
    order.delivery_status
      ? `Delivery: ${order.delivery_status}${order.shipping_provider ? ` with ${order.shipping_provider}` : ''}.`
      : '',
    order.delivery_eta
      ? `${order.delivery_status === 'Delivered' ? 'Delivered or due' : 'Expected'} on ${spokenDate(order.delivery_eta)}.`
      : '',
    order.tracking_number ? `Tracking number ${order.tracking_number}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export const getOrderStatus = defineTool({
  name: 'get_order_status',
  annotations: {
    title: 'Order status',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Look up an order by its order id (like O9002; "9002" also works): what was ordered, order, payment and delivery status, expected delivery date, carrier and tracking number.',
  inputSchema: {
    order_id: idArgument(
      'Order id as the caller said or typed it, e.g. "O9002", "o-9002" or "9002"',
    ),
  },
  outputSchema: {
    status: z.enum(['found', 'not_found']),
    order_id: z.string(),
    order: orderView.optional(),
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
    return {
      structured: { status: 'found' as const, order_id: id, order: toOrderView(order, store) },
      text: describeOrder(order, store),
    };
  },
});
