/**
 * Hand-written records at the head of every generated store, whatever the seed or size:
 * tests and demos rely on them (see data/README.md, "Fixture records").
 */
import type { CustomerRow, DeliveryRow, OrderRow, ProductRow, ReturnRow } from './schema.js';

/** C5000, C5001: the demo callers. C5002 and C5003: a household sharing one phone number. */
export const FIXTURE_CUSTOMERS: readonly CustomerRow[] = [
  {
    customer_id: 'C5000',
    name: 'Ana García',
    email: 'ana.garcia@example.com',
    phone: '+1 (415) 555-0100',
    city: 'San Francisco',
    country: 'United States',
    member_since: '2021-03-14',
    loyalty_level: 'Gold',
  },
  {
    customer_id: 'C5001',
    name: "Bob O'Neil",
    email: 'Bob.ONeil@Example.com',
    phone: '415-555-0101 ext. 22',
    city: 'Seattle',
    country: 'United States',
    member_since: '2024-07-02',
    loyalty_level: '',
  },
  {
    customer_id: 'C5002',
    name: 'Priya Raman',
    email: 'priya.raman@example.net',
    phone: '(512) 555-0142',
    city: 'Austin',
    country: 'United States',
    member_since: '2022-05-09',
    loyalty_level: 'Silver',
  },
  {
    customer_id: 'C5003',
    name: 'Arjun Raman',
    email: 'arjun.raman@example.net',
    phone: '+1 512 555 0142',
    city: 'Austin',
    country: 'United States',
    member_since: '2023-01-17',
    loyalty_level: 'Bronze',
  },
];

/** The fixture customers' numbers in E.164, kept out of the generated customers' numbers. */
export const FIXTURE_PHONES_E164 = ['+14155550100', '+14155550101', '+15125550142'] as const;

export const FIXTURE_PRODUCTS: readonly ProductRow[] = [
  {
    product_id: 'P1000',
    name: 'Wireless Noise-Cancelling Headphones',
    category: 'Electronics',
    brand: 'Sonora',
    price: '199.99',
    currency: 'USD',
    rating: '4.6',
    stock_status: 'In Stock',
    description:
      'Over-ear Bluetooth headphones with active noise cancellation, a 30-hour battery and USB-C fast charging.',
    warranty_months: '24',
    returnable: 'Yes',
  },
  {
    product_id: 'P1001',
    name: '15" Laptop Sleeve, Grey',
    category: 'Computers & Accessories',
    brand: 'Tern & Co.',
    price: '24.99',
    currency: 'USD',
    rating: '4.3',
    stock_status: 'In Stock',
    description: 'Padded neoprene sleeve for 15" laptops, with a zip pocket for chargers.',
    warranty_months: '6',
    returnable: 'Yes',
  },
  {
    product_id: 'P1002',
    name: 'Smart Fitness Watch',
    category: 'Electronics',
    brand: 'Kestrel',
    price: '149.00',
    currency: 'USD',
    rating: '4.1',
    stock_status: 'Low Stock',
    description: 'Tracks heart rate, sleep and 40+ workouts; "always-on" display, 7-day battery.',
    warranty_months: '12',
    returnable: 'Yes',
  },
];

export interface FixtureOrder {
  readonly order: OrderRow;
  readonly delivery?: DeliveryRow;
  readonly return?: ReturnRow;
}

export const FIXTURE_ORDERS: readonly FixtureOrder[] = [
  {
    order: {
      order_id: 'O9000',
      customer_id: 'C5000',
      product_id: 'P1000',
      quantity: '1',
      order_date: '2026-10-28',
      order_status: 'Delivered',
      payment_status: 'Refunded',
      delivery_status: 'Delivered',
      delivery_eta: '2026-11-02',
      shipping_provider: 'UPS',
      tracking_number: 'TRK10000',
    },
    delivery: {
      tracking_number: 'TRK10000',
      current_location: 'San Francisco, CA',
      delivery_stage: 'Delivered',
      last_updated: '2026-11-02T15:42:00Z',
      delivery_agent: 'Marcus Reed',
    },
    return: {
      return_id: 'R7000',
      order_id: 'O9000',
      product_id: 'P1000',
      return_reason: 'Left ear cup crackles, noise cancelling "cuts out" after a few minutes',
      return_status: 'Refunded',
      refund_amount: '199.99',
      refund_status: 'Processed',
      return_date: '2026-11-05',
    },
  },
  {
    order: {
      order_id: 'O9001',
      customer_id: 'C5000',
      product_id: 'P1001',
      quantity: '2',
      order_date: '2026-11-16',
      order_status: 'Shipped',
      payment_status: 'Paid',
      delivery_status: 'In Transit',
      delivery_eta: '2026-11-22',
      shipping_provider: 'FedEx',
      tracking_number: 'TRK10001',
    },
    delivery: {
      tracking_number: 'TRK10001',
      current_location: 'Memphis, TN Distribution Center',
      delivery_stage: 'In Transit',
      last_updated: '2026-11-19T22:15:00Z',
      delivery_agent: '',
    },
  },
  {
    order: {
      order_id: 'O9002',
      customer_id: 'C5000',
      product_id: 'P1002',
      quantity: '1',
      order_date: '2026-11-17',
      order_status: 'Shipped',
      payment_status: 'Paid',
      delivery_status: 'Out for Delivery',
      delivery_eta: '2026-11-20',
      shipping_provider: 'USPS',
      tracking_number: 'TRK10002',
    },
    delivery: {
      tracking_number: 'TRK10002',
      current_location: 'San Francisco, CA Delivery Station',
      delivery_stage: 'Out for Delivery',
      last_updated: '2026-11-20T08:05:00Z',
      delivery_agent: 'Dana Whitfield',
    },
  },
  {
    order: {
      order_id: 'O9003',
      customer_id: 'C5001',
      product_id: 'P1000',
      quantity: '1',
      order_date: '2026-11-19',
      order_status: 'Processing',
      payment_status: 'Paid',
      delivery_status: 'Pending',
      delivery_eta: '2026-11-25',
      shipping_provider: '',
      tracking_number: '',
    },
  },
  {
    order: {
      order_id: 'O9004',
      customer_id: 'C5002',
      product_id: 'P1001',
      quantity: '1',
      order_date: '2026-09-12',
      order_status: 'Delivered',
      payment_status: 'Paid',
      delivery_status: 'Delivered',
      delivery_eta: '2026-09-16',
      shipping_provider: 'USPS',
      tracking_number: 'TRK10003',
    },
    delivery: {
      tracking_number: 'TRK10003',
      current_location: 'Austin, TX',
      delivery_stage: 'Delivered',
      last_updated: '2026-09-16T17:20:00Z',
      delivery_agent: 'Luis Ortega',
    },
  },
  {
    order: {
      order_id: 'O9005',
      customer_id: 'C5003',
      product_id: 'P1002',
      quantity: '1',
      order_date: '2026-11-10',
      order_status: 'Cancelled',
      payment_status: 'Refunded',
      delivery_status: '',
      delivery_eta: '',
      shipping_provider: '',
      tracking_number: '',
    },
  },
];
