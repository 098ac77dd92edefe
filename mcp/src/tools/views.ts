// What the tools may show of each record. Projections are the one place where privacy is decided:
// nothing that identifies a customer (name, email, phone, city) appears in these views.
import { z } from 'zod';
import type { Delivery, Order, Product, ReturnRecord } from '../store/schemas.js';
import type { Store } from '../store/store.js';

const nullableText = z.string().nullable();

export const productView = z.object({
  product_id: z.string(),
  name: z.string(),
  category: nullableText,
  brand: nullableText,
  price: z.number(),
  currency: z.string(),
  rating: z.number().nullable(),
  stock_status: nullableText,
  description: nullableText,
  warranty_months: z.number().nullable(),
  returnable: z.boolean(),
});

export function toProductView(product: Product): z.infer<typeof productView> {
  return { ...product };
}

export const orderView = z.object({
  order_id: z.string(),
  product_id: z.string(),
  product_name: nullableText.describe(
    'Name of the ordered product, null when it is no longer in the catalogue',
  ),
  quantity: z.number(),
  order_date: z.string(),
  order_status: z.string(),
  payment_status: nullableText,
  delivery_status: nullableText,
  delivery_eta: nullableText,
  shipping_provider: nullableText,
  tracking_number: nullableText,
});

export function toOrderView(order: Order, store: Store): z.infer<typeof orderView> {
  return {
    order_id: order.order_id,
    product_id: order.product_id,
    product_name: store.products.get(order.product_id)?.name ?? null,
    quantity: order.quantity,
    order_date: order.order_date,
    order_status: order.order_status,
    payment_status: order.payment_status,
    delivery_status: order.delivery_status,
    delivery_eta: order.delivery_eta,
    shipping_provider: order.shipping_provider,
    tracking_number: order.tracking_number,
  };
}

export const deliveryView = z.object({
  tracking_number: z.string(),
  order_id: nullableText,
  current_location: nullableText,
  delivery_stage: nullableText,
  last_updated: nullableText,
  delivery_agent: nullableText,
  shipping_provider: nullableText,
  delivery_eta: nullableText,
});

export function toDeliveryView(
  trackingNumber: string,
  delivery: Delivery | undefined,
  order: Order | undefined,
): z.infer<typeof deliveryView> {
  return {
    tracking_number: trackingNumber,
    order_id: order?.order_id ?? null,
    current_location: delivery?.current_location ?? null,
    delivery_stage: delivery?.delivery_stage ?? null,
    last_updated: delivery?.last_updated ?? null,
    delivery_agent: delivery?.delivery_agent ?? null,
    shipping_provider: order?.shipping_provider ?? null,
    delivery_eta: order?.delivery_eta ?? null,
  };
}

export const returnView = z.object({
  return_id: z.string(),
  order_id: z.string(),
  product_id: z.string(),
  return_reason: nullableText.describe(
    "The customer's own words: only shown to the verified customer who placed the order",
  ),
  return_status: z.string(),
  refund_amount: z.number(),
  currency: z.string(),
  refund_status: nullableText,
  return_date: nullableText,
});

export function toReturnView(
  record: ReturnRecord,
  store: Store,
  showReason: boolean,
): z.infer<typeof returnView> {
  return {
    return_id: record.return_id,
    order_id: record.order_id,
    product_id: record.product_id,
    return_reason: showReason ? record.return_reason : null,
    return_status: record.return_status,
    refund_amount: record.refund_amount,
    currency: store.products.get(record.product_id)?.currency ?? store.policies.currency,
    refund_status: record.refund_status,
    return_date: record.return_date,
  };
}
