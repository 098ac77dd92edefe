import { z } from 'zod';
import { didYouMeanField, notFound } from './not-found.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { describeDelivery, deliveryStatusValues } from './get-delivery-status.js';
import { deliveryView, toDeliveryView } from './views.js';

export const getOrderDelivery = defineTool({
  name: 'get_order_delivery',
  annotations: {
    title: 'Delivery status by order',
    // Carrier updates come from delivery.csv, not the carrier's systems: a closed world.
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Where is the parcel of an order? Takes the order id (like O9002), so the caller does not need the tracking number: delivery stage, location, courier and expected date.',
  inputSchema: {
    order_id: idArgument('Order id as the caller said or typed it, e.g. "O9002" or "9002"'),
  },
  outputSchema: {
    status: z.enum([...deliveryStatusValues, 'not_shipped']),
    order_id: z.string(),
    order_status: z.string().optional(),
    delivery: deliveryView.optional(),
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
    if (order.tracking_number === null) {
      return {
        structured: {
          status: 'not_shipped' as const,
          order_id: id,
          order_status: order.order_status,
        },
        text: `Order ${id} has not shipped yet; its status is ${order.order_status}.`,
      };
    }
    const delivery = store.deliveries.get(order.tracking_number);
    return {
      structured: {
        status: delivery === undefined ? ('no_updates_yet' as const) : ('found' as const),
        order_id: id,
        order_status: order.order_status,
        delivery: toDeliveryView(order.tracking_number, delivery, order),
      },
      text: describeDelivery(order.tracking_number, delivery, order),
    };
  },
});
