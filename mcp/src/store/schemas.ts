// The store's CSV exports. Column names are the files' own (snake_case), kept as the field names
// of the records and of the tools' structured output.
//
// Each file has a zod row schema of plain string checks (regexes, lengths): on a million-order
// store, checks with transforms cost ~13 µs a row where these cost ~0.5 µs. The records are then
// built from the checked strings by `to*` functions that cannot fail.
import { z } from 'zod';
import { ID_PREFIX, idLabel, type IdKind } from './ids.js';

const MAX_TEXT = 2_000;
const text = z.string().max(MAX_TEXT, 'is longer than 2000 characters');
const requiredText = text.regex(/\S/, 'a value is required');
const id = (kind: IdKind) =>
  z
    .string()
    .regex(
      new RegExp(`^\\s*${ID_PREFIX[kind]}\\d{1,12}\\s*$`, 'i'),
      `expected a ${idLabel(kind)} like ${ID_PREFIX[kind]}1000`,
    );
const optionalId = (kind: IdKind) =>
  z
    .string()
    .regex(
      new RegExp(`^\\s*(${ID_PREFIX[kind]}\\d{1,12})?\\s*$`, 'i'),
      `expected a ${idLabel(kind)} or an empty cell`,
    );
const DATE = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const date = z.string().regex(new RegExp(`^\\s*${DATE}\\s*$`), 'expected a date as YYYY-MM-DD');
const optionalDate = z
  .string()
  .regex(new RegExp(`^\\s*(${DATE})?\\s*$`), 'expected a date as YYYY-MM-DD or an empty cell');
const optionalTimestamp = z
  .string()
  .regex(
    new RegExp(
      `^\\s*(${DATE}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?)?\\s*$`,
    ),
    'expected a timestamp like 2026-11-20T14:30:00Z or an empty cell',
  );
const amount = z.string().regex(/^\s*\d{1,9}(\.\d{1,2})?\s*$/, 'expected an amount like 24.99');
const optionalAmount = z
  .string()
  .regex(/^\s*(\d{1,9}(\.\d{1,2})?)?\s*$/, 'expected an amount like 24.99 or an empty cell');
const quantity = z
  .string()
  .regex(/^\s*0*[1-9]\d{0,4}\s*$/, 'expected a whole number from 1 to 99999');
const optionalMonths = z
  .string()
  .regex(/^\s*(\d{1,3})?\s*$/, 'expected a whole number of months or an empty cell');
const rating = z
  .string()
  .regex(/^\s*([0-4](\.\d+)?|5(\.0+)?)?\s*$/, 'expected a rating from 0 to 5 or an empty cell');
const yesNo = z.string().regex(/^\s*(yes|no|y|n|true|false|1|0)\s*$/i, 'expected Yes or No');
const currency = z
  .string()
  .regex(/^\s*[A-Za-z]{3}\s*$/, 'expected a three-letter currency code like USD');

export const customerRow = z.object({
  customer_id: id('customer'),
  name: requiredText,
  email: text,
  phone: text,
  city: text,
  country: text,
  member_since: optionalDate,
  loyalty_level: text,
});

export const productRow = z.object({
  product_id: id('product'),
  name: requiredText,
  category: text,
  brand: text,
  price: amount,
  currency,
  rating,
  stock_status: text,
  description: text,
  warranty_months: optionalMonths,
  returnable: yesNo,
});

export const orderRow = z.object({
  order_id: id('order'),
  customer_id: id('customer'),
  product_id: id('product'),
  quantity,
  order_date: date,
  order_status: requiredText,
  payment_status: text,
  delivery_status: text,
  delivery_eta: optionalDate,
  shipping_provider: text,
  tracking_number: optionalId('tracking'),
});

export const deliveryRow = z.object({
  tracking_number: id('tracking'),
  current_location: text,
  delivery_stage: text,
  last_updated: optionalTimestamp,
  delivery_agent: text,
});

export const returnRow = z.object({
  return_id: id('return'),
  order_id: id('order'),
  product_id: id('product'),
  return_reason: text,
  return_status: requiredText,
  refund_amount: optionalAmount,
  refund_status: text,
  return_date: optionalDate,
});

type Row<S extends z.ZodObject> = z.infer<S>;

export interface Customer {
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
  country: string | null;
  member_since: string | null;
  loyalty_level: string | null;
}

export interface Product {
  product_id: string;
  name: string;
  category: string | null;
  brand: string | null;
  price: number;
  currency: string;
  rating: number | null;
  stock_status: string | null;
  description: string | null;
  warranty_months: number | null;
  returnable: boolean;
}

export interface Order {
  order_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  order_date: string;
  order_status: string;
  payment_status: string | null;
  delivery_status: string | null;
  delivery_eta: string | null;
  shipping_provider: string | null;
  tracking_number: string | null;
}

export interface Delivery {
  tracking_number: string;
  current_location: string | null;
  delivery_stage: string | null;
  last_updated: string | null;
  delivery_agent: string | null;
}

export interface ReturnRecord {
  return_id: string;
  order_id: string;
  product_id: string;
  return_reason: string | null;
  return_status: string;
  refund_amount: number;
  refund_status: string | null;
  return_date: string | null;
}

/** Shares one copy of repeated text (statuses, dates, carriers, cities) across all rows. */
export type Intern = (value: string) => string;

const value = (cell: string): string | null => {
  const trimmed = cell.trim();
  return trimmed === '' ? null : trimmed;
};
const shared = (cell: string, intern: Intern): string | null => {
  const trimmed = cell.trim();
  return trimmed === '' ? null : intern(trimmed);
};
/** Ids as the store writes them (C5000): most already are, so avoid a copy in that case. */
const upper = (cell: string): string => {
  const trimmed = cell.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const code = trimmed.charCodeAt(i);
    if (code >= 97 && code <= 122) return trimmed.toUpperCase();
    if (code >= 48 && code <= 57) break;
  }
  return trimmed;
};
const numberOrNull = (cell: string): number | null => (cell.trim() === '' ? null : Number(cell));

export function toCustomer(row: Row<typeof customerRow>, intern: Intern): Customer {
  return {
    customer_id: upper(row.customer_id),
    name: row.name.trim(),
    email: value(row.email),
    phone: value(row.phone),
    city: shared(row.city, intern),
    country: shared(row.country, intern),
    member_since: shared(row.member_since, intern),
    loyalty_level: shared(row.loyalty_level, intern),
  };
}

export function toProduct(row: Row<typeof productRow>, intern: Intern): Product {
  return {
    product_id: upper(row.product_id),
    name: row.name.trim(),
    category: shared(row.category, intern),
    brand: shared(row.brand, intern),
    price: Number(row.price),
    currency: intern(upper(row.currency)),
    rating: numberOrNull(row.rating),
    stock_status: shared(row.stock_status, intern),
    description: value(row.description),
    warranty_months: numberOrNull(row.warranty_months),
    returnable: /^\s*(yes|y|true|1)\s*$/i.test(row.returnable),
  };
}

export function toOrder(row: Row<typeof orderRow>, intern: Intern): Order {
  return {
    order_id: upper(row.order_id),
    customer_id: upper(row.customer_id),
    product_id: upper(row.product_id),
    quantity: Number(row.quantity),
    order_date: intern(row.order_date.trim()),
    order_status: intern(row.order_status.trim()),
    payment_status: shared(row.payment_status, intern),
    delivery_status: shared(row.delivery_status, intern),
    delivery_eta: shared(row.delivery_eta, intern),
    shipping_provider: shared(row.shipping_provider, intern),
    tracking_number: row.tracking_number.trim() === '' ? null : upper(row.tracking_number),
  };
}

export function toDelivery(row: Row<typeof deliveryRow>, intern: Intern): Delivery {
  return {
    tracking_number: upper(row.tracking_number),
    current_location: shared(row.current_location, intern),
    delivery_stage: shared(row.delivery_stage, intern),
    last_updated: value(row.last_updated),
    delivery_agent: shared(row.delivery_agent, intern),
  };
}

export function toReturn(row: Row<typeof returnRow>, intern: Intern): ReturnRecord {
  return {
    return_id: upper(row.return_id),
    order_id: upper(row.order_id),
    product_id: upper(row.product_id),
    return_reason: value(row.return_reason),
    return_status: intern(row.return_status.trim()),
    refund_amount: numberOrNull(row.refund_amount) ?? 0,
    refund_status: shared(row.refund_status, intern),
    return_date: shared(row.return_date, intern),
  };
}

export const CSV_FILES = {
  customers: { file: 'customers.csv', schema: customerRow, toRecord: toCustomer },
  products: { file: 'products.csv', schema: productRow, toRecord: toProduct },
  orders: { file: 'orders.csv', schema: orderRow, toRecord: toOrder },
  delivery: { file: 'delivery.csv', schema: deliveryRow, toRecord: toDelivery },
  returns: { file: 'returns.csv', schema: returnRow, toRecord: toReturn },
} as const;

export const POLICIES_FILE = 'store_policies.yaml';

export const policiesSchema = z.object({
  store_name: z.string().trim().min(1),
  support_hours: z.string().trim().min(1),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'expected a three-letter currency code like USD')
    .transform((code) => code.toUpperCase())
    .default('USD'),
  return_window_days: z.number().int().min(0).max(3650),
  policies: z
    .array(
      z.object({
        topic: z
          .string()
          .trim()
          .regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case topic like return_window'),
        title: z.string().trim().min(1),
        text: z.string().trim().min(1),
      }),
    )
    .min(1),
});
export type StorePolicies = z.infer<typeof policiesSchema>;
