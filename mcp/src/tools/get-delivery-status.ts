import { z } from 'zod';
import type { Delivery, Order } from '../store/schemas.js';
import { spokenDate } from '../speech.js';
import { didYouMeanField, notFound } from './not-found.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { deliveryView, toDeliveryView } from './views.js';

export const deliveryStatusValues = ['found', 'not_found', 'no_updates_yet'] as const;

export function describeDelivery(
  trackingNumber: string,
  delivery: Delivery | undefined,
  order: Order | undefined,
): string {
  if (delivery === undefined) {
    return `Parcel ${trackingNumber} has no tracking updates from the carrier yet.${
      order?.delivery_eta ? ` It is expected on ${spokenDate(order.delivery_eta)}.` : ''
    }`;
  }
  const parts = [
    `Parcel ${trackingNumber}${order?.shipping_provider ? ` with ${order.shipping_provider}` : ''}: ${delivery.delivery_stage ?? 'no stage reported'}.`,
    delivery.current_location ? `Last seen at ${delivery.current_location}.` : '',
    delivery.last_updated ? `Updated ${spokenDate(delivery.last_updated)}.` : '',
    delivery.delivery_agent ? `Courier: ${delivery.delivery_agent}.` : '',
    order?.delivery_eta && delivery.delivery_stage !== 'Delivered'
      ? `Expected on ${spokenDate(order.delivery_eta)}.`
      : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export const getDeliveryStatus = defineTool({
  name: 'get_delivery_status',
  annotations: {
    title: 'Parcel tracking',
    // Carrier updates come from delivery.csv, not the carrier's systems: a closed world.
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Track a parcel by its tracking number (like TRK10002): delivery stage, last known location, last update, courier and expected date. If the caller only has an order id, use get_order_delivery.',
  inputSchema: {
    tracking_number: idArgument(
      'Tracking number as the caller said it, e.g. "TRK10002" or "10002"',
    ),
  },
  outputSchema: {
    status: z.enum(deliveryStatusValues),
    tracking_number: z.string(),
    delivery: deliveryView.optional(),
    did_you_mean: didYouMeanField,
  },
  handler({ tracking_number }, context) {
    const store = context.store();
    const id = requireId('tracking', tracking_number);
    const delivery = store.deliveries.get(id);
    const order = store.orderByTracking.get(id);
    if (delivery === undefined && order === undefined) {
      // A parcel exists once its order has a tracking number, before any carrier update.
      return notFound({
        kind: 'tracking',
        key: 'tracking_number',
        id,
        exists: (candidate) =>
          store.deliveries.has(candidate) || store.orderByTracking.has(candidate),
      });
    }
    return {
      structured: {
        status: delivery === undefined ? ('no_updates_yet' as const) : ('found' as const),
        tracking_number: id,
        delivery: toDeliveryView(id, delivery, order),
      },
      text: describeDelivery(id, delivery, order),
    };
  },
});
