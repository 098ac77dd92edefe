/**
 * orders.csv rows, with the delivery.csv row of every order that has a tracking number and the
 * returns.csv row of the orders that came (or are coming) back. Statuses follow the order's age:
 * last days' orders are still Processing or Shipped, older ones Delivered, Returned or Cancelled.
 */
import type { CustomerProfile } from './customers.js';
import {
  NOW_SECOND_OF_DAY,
  ORDER_WINDOW_START,
  TODAY,
  formatDay,
  formatTimestamp,
} from './dates.js';
import { RETURN_REASONS } from './catalog.js';
import { WAREHOUSES, deliveryStation, hubsFor, localFacility, providersFor } from './logistics.js';
import { randomName } from './names.js';
import {
  createRandom,
  deriveSeed,
  weightedTable,
  type Random,
  type WeightedTable,
} from './random.js';
import {
  formatCents,
  orderId,
  returnId,
  trackingNumber,
  type DeliveryRow,
  type DeliveryStage,
  type DeliveryStatus,
  type OrderRow,
  type OrderStatus,
  type PaymentStatus,
  type RefundStatus,
  type ReturnRow,
  type ReturnStatus,
} from './schema.js';

export interface GeneratedOrder {
  readonly order: OrderRow;
  readonly delivery?: DeliveryRow;
  readonly return?: ReturnRow;
}

export interface OrderFactoryOptions {
  readonly seed: number;
  /** Profiles of all customers; those before `firstCustomer` (the fixtures) get no new orders. */
  readonly customers: readonly CustomerProfile[];
  readonly firstCustomer: number;
  readonly customerIds: (index: number) => string;
  /** Unit prices of all products, in cents. */
  readonly productPrices: ArrayLike<number>;
  readonly productIds: (index: number) => string;
  /** Indexes of the first order, tracking number and return to generate (after the fixtures). */
  readonly start: { readonly order: number; readonly tracking: number; readonly return: number };
}

const table = weightedTable<OrderStatus>;

/** Order status by age of the order in days. */
function statusTable(age: number): WeightedTable<OrderStatus> {
  if (age === 0) return STATUS_TODAY;
  if (age <= 2) return STATUS_DAYS_1_2;
  if (age === 3) return STATUS_DAY_3;
  if (age <= 9) return STATUS_DAYS_4_9;
  if (age <= 20) return STATUS_DAYS_10_20;
  return STATUS_OLDER;
}
const STATUS_TODAY = table([
  ['Processing', 88],
  ['Cancelled', 12],
]);
const STATUS_DAYS_1_2 = table([
  ['Processing', 45],
  ['Shipped', 47],
  ['Cancelled', 8],
]);
const STATUS_DAY_3 = table([
  ['Processing', 5],
  ['Shipped', 55],
  ['Delivered', 33],
  ['Cancelled', 7],
]);
const STATUS_DAYS_4_9 = table([
  ['Processing', 3],
  ['Shipped', 45],
  ['Delivered', 42],
  ['Returned', 3],
  ['Cancelled', 7],
]);
const STATUS_DAYS_10_20 = table([
  ['Shipped', 3],
  ['Delivered', 81],
  ['Returned', 6],
  ['Cancelled', 10],
]);
const STATUS_OLDER = table([
  ['Delivered', 85],
  ['Returned', 7],
  ['Cancelled', 8],
]);

const SHIPPED_DELIVERY = weightedTable<DeliveryStatus>([
  ['In Transit', 70],
  ['Out for Delivery', 16],
  ['Delayed', 14],
]);

const IN_TRANSIT_STAGES = weightedTable<DeliveryStage>([
  ['Label Created', 10],
  ['Picked Up', 15],
  ['In Transit', 50],
  ['At Local Facility', 25],
]);

const PROCESSING_PAYMENT = weightedTable<PaymentStatus>([
  ['Paid', 85],
  ['Pending', 15],
]);

const CANCELLED_PAYMENT = weightedTable<PaymentStatus>([
  ['Refunded', 70],
  ['Failed', 30],
]);

const QUANTITY = weightedTable([
  [1, 75],
  [2, 15],
  [3, 6],
  [4, 2.5],
  [5, 1.5],
]);

/** Returns of orders still marked Delivered: mostly not back yet. */
const DELIVERED_RETURN = weightedTable<ReturnStatus>([
  ['Requested', 40],
  ['Approved', 30],
  ['Rejected', 20],
  ['Refunded', 10],
]);

/** Returns of orders marked Returned: the item is back. */
const RETURNED_RETURN = weightedTable<ReturnStatus>([
  ['Received', 35],
  ['Refunded', 65],
]);

/** Share of Delivered orders with a return (every Returned order has one). */
const DELIVERED_RETURN_RATE = 0.03;

const REFUND_STATUS: Record<ReturnStatus, RefundStatus> = {
  Requested: 'Pending',
  Approved: 'Pending',
  Received: 'Pending',
  Refunded: 'Processed',
  Rejected: 'Not Applicable',
};

/** A time of day in seconds, between two hours (`to` exclusive). */
function timeOfDay(rng: Random, fromHour: number, toHour: number): number {
  return rng.int(fromHour * 3600, toHour * 3600 - 1);
}

/** A timestamp on a day from `firstDay` to TODAY, never later than NOW on TODAY. */
function recentTimestamp(rng: Random, firstDay: number): string {
  const day = rng.int(Math.min(firstDay, TODAY), TODAY);
  const second = day === TODAY ? rng.int(0, NOW_SECOND_OF_DAY - 1) : rng.int(0, 86_399);
  return formatTimestamp(day, second);
}

export function createOrderFactory(options: OrderFactoryOptions): () => GeneratedOrder {
  const { customers, firstCustomer, productPrices } = options;
  const rng = createRandom(deriveSeed(options.seed, 'orders'));
  const orderableCustomers = customers.length - firstCustomer;
  let nextOrder = options.start.order;
  let nextTracking = options.start.tracking;
  let nextReturn = options.start.return;

  return () => {
    const customerIndex = firstCustomer + rng.skewed(orderableCustomers, 1.4);
    const customer = customers[customerIndex];
    if (!customer) throw new Error(`no customer #${customerIndex}`);
    const productIndex = rng.skewed(productPrices.length, 1.6);
    const unitCents = productPrices[productIndex] ?? 0;
    const quantity = rng.weighted(QUANTITY);

    // Recent orders are more frequent than old ones; nobody orders before joining.
    const firstDay = Math.max(ORDER_WINDOW_START, customer.memberSince);
    const age = rng.skewed(TODAY - firstDay + 1, 2);
    const orderDay = TODAY - age;
    const status = rng.weighted(statusTable(age));

    const id = orderId(nextOrder++);
    const productId = options.productIds(productIndex);
    const { place } = customer;
    let paymentStatus: PaymentStatus = 'Paid';
    let deliveryStatus: DeliveryStatus | '' = '';
    let eta: number | undefined;
    let provider = '';
    let tracking = '';
    let delivery: DeliveryRow | undefined;
    let returned: ReturnRow | undefined;

    const agentName = (): string => randomName(rng, place.country, { untidy: false }).display;

    switch (status) {
      case 'Processing':
        paymentStatus = rng.weighted(PROCESSING_PAYMENT);
        deliveryStatus = 'Pending';
        eta = TODAY + rng.int(2, 6);
        break;
      case 'Cancelled':
        paymentStatus = rng.weighted(CANCELLED_PAYMENT);
        break;
      case 'Shipped': {
        deliveryStatus = age >= 10 ? 'Delayed' : rng.weighted(SHIPPED_DELIVERY);
        provider = rng.weighted(providersFor(place.country));
        tracking = trackingNumber(nextTracking++);
        if (deliveryStatus === 'Out for Delivery') {
          eta = TODAY;
          delivery = {
            tracking_number: tracking,
            current_location: deliveryStation(place),
            delivery_stage: 'Out for Delivery',
            last_updated: formatTimestamp(TODAY, timeOfDay(rng, 6, 12)),
            delivery_agent: agentName(),
          };
        } else if (deliveryStatus === 'Delayed') {
          eta = TODAY + rng.int(1, 7);
          delivery = {
            tracking_number: tracking,
            current_location: rng.chance(0.7) ? rng.pick(hubsFor(place)) : localFacility(place),
            delivery_stage: 'Exception',
            last_updated: recentTimestamp(rng, Math.max(orderDay + 1, TODAY - 4)),
            delivery_agent: '',
          };
        } else {
          eta = TODAY + rng.int(1, 5);
          const stage = rng.weighted(IN_TRANSIT_STAGES);
          const location =
            stage === 'Label Created' || stage === 'Picked Up'
              ? rng.pick(WAREHOUSES)
              : stage === 'In Transit'
                ? rng.pick(hubsFor(place))
                : localFacility(place);
          delivery = {
            tracking_number: tracking,
            current_location: location,
            delivery_stage: stage,
            last_updated: recentTimestamp(rng, Math.max(orderDay, TODAY - 3)),
            delivery_agent: '',
          };
        }
        break;
      }
      case 'Delivered':
      case 'Returned': {
        deliveryStatus = 'Delivered';
        provider = rng.weighted(providersFor(place.country));
        tracking = trackingNumber(nextTracking++);
        const deliveredDay = Math.min(orderDay + rng.int(2, 7), TODAY - 1);
        eta = deliveredDay;
        delivery = {
          tracking_number: tracking,
          current_location: place.label,
          delivery_stage: 'Delivered',
          last_updated: formatTimestamp(deliveredDay, timeOfDay(rng, 9, 21)),
          delivery_agent: agentName(),
        };
        if (status === 'Returned' || rng.chance(DELIVERED_RETURN_RATE)) {
          const returnDay = Math.min(deliveredDay + rng.int(1, 21), TODAY);
          let returnStatus = rng.weighted(
            status === 'Returned' ? RETURNED_RETURN : DELIVERED_RETURN,
          );
          // A return is decided or refunded a few days after it was asked for, not the same day.
          if (
            TODAY - returnDay < 3 &&
            (returnStatus === 'Refunded' || returnStatus === 'Rejected')
          ) {
            returnStatus = status === 'Returned' ? 'Received' : 'Requested';
          }
          const totalCents = unitCents * quantity;
          const refundCents =
            returnStatus === 'Rejected'
              ? 0
              : rng.chance(0.8)
                ? totalCents
                : Math.floor((totalCents * rng.int(50, 95)) / 100);
          if (returnStatus === 'Refunded') paymentStatus = 'Refunded';
          returned = {
            return_id: returnId(nextReturn++),
            order_id: id,
            product_id: productId,
            return_reason: rng.pick(RETURN_REASONS),
            return_status: returnStatus,
            refund_amount: formatCents(refundCents),
            refund_status: REFUND_STATUS[returnStatus],
            return_date: formatDay(returnDay),
          };
        }
        break;
      }
    }

    const order: OrderRow = {
      order_id: id,
      customer_id: options.customerIds(customerIndex),
      product_id: productId,
      quantity: String(quantity),
      order_date: formatDay(orderDay),
      order_status: status,
      payment_status: paymentStatus,
      delivery_status: deliveryStatus,
      delivery_eta: eta === undefined ? '' : formatDay(eta),
      shipping_provider: provider,
      tracking_number: tracking,
    };
    return { order, ...(delivery && { delivery }), ...(returned && { return: returned }) };
  };
}
