/** The five CSV files of the store: their names, columns (in order) and value vocabularies. */

export const CUSTOMER_COLUMNS = [
  'customer_id',
  'name',
  'email',
  'phone',
  'city',
  'country',
  'member_since',
  'loyalty_level',
] as const;

export const PRODUCT_COLUMNS = [
  'product_id',
  'name',
  'category',
  'brand',
  'price',
  'currency',
  'rating',
  'stock_status',
  'description',
  'warranty_months',
  'returnable',
] as const;

export const ORDER_COLUMNS = [
  'order_id',
  'customer_id',
  'product_id',
  'quantity',
  'order_date',
  'order_status',
  'payment_status',
  'delivery_status',
  'delivery_eta',
  'shipping_provider',
  'tracking_number',
] as const;

export const DELIVERY_COLUMNS = [
  'tracking_number',
  'current_location',
  'delivery_stage',
  'last_updated',
  'delivery_agent',
] as const;

export const RETURN_COLUMNS = [
  'return_id',
  'order_id',
  'product_id',
  'return_reason',
  'return_status',
  'refund_amount',
  'refund_status',
  'return_date',
] as const;

export type CustomerRow = Record<(typeof CUSTOMER_COLUMNS)[number], string>;
export type ProductRow = Record<(typeof PRODUCT_COLUMNS)[number], string>;
export type OrderRow = Record<(typeof ORDER_COLUMNS)[number], string>;
export type DeliveryRow = Record<(typeof DELIVERY_COLUMNS)[number], string>;
export type ReturnRow = Record<(typeof RETURN_COLUMNS)[number], string>;

/** The files, in the order they are written; keys double as the counts' names. */
export const STORE_FILES = {
  customers: { file: 'customers.csv', columns: CUSTOMER_COLUMNS },
  products: { file: 'products.csv', columns: PRODUCT_COLUMNS },
  orders: { file: 'orders.csv', columns: ORDER_COLUMNS },
  delivery: { file: 'delivery.csv', columns: DELIVERY_COLUMNS },
  returns: { file: 'returns.csv', columns: RETURN_COLUMNS },
} as const;

export type StoreFileKey = keyof typeof STORE_FILES;

/** A row object as the list of its cells, in the file's column order. */
export function toCells<C extends string>(columns: readonly C[], row: Record<C, string>): string[] {
  return columns.map((column) => row[column]);
}

export const LOYALTY_LEVELS = ['Bronze', 'Silver', 'Gold', 'Platinum'] as const;
export const STOCK_STATUSES = ['In Stock', 'Low Stock', 'Out of Stock', 'Preorder'] as const;
export const ORDER_STATUSES = [
  'Processing',
  'Shipped',
  'Delivered',
  'Cancelled',
  'Returned',
] as const;
export const PAYMENT_STATUSES = ['Paid', 'Pending', 'Refunded', 'Failed'] as const;
export const DELIVERY_STATUSES = [
  'Pending',
  'In Transit',
  'Out for Delivery',
  'Delivered',
  'Delayed',
] as const;
export const SHIPPING_PROVIDERS = ['UPS', 'FedEx', 'DHL', 'USPS'] as const;
export const DELIVERY_STAGES = [
  'Label Created',
  'Picked Up',
  'In Transit',
  'At Local Facility',
  'Out for Delivery',
  'Delivered',
  'Exception',
] as const;
export const RETURN_STATUSES = [
  'Requested',
  'Approved',
  'Received',
  'Refunded',
  'Rejected',
] as const;
export const REFUND_STATUSES = ['Pending', 'Processed', 'Not Applicable'] as const;
export const COUNTRIES = [
  'United States',
  'United Kingdom',
  'Canada',
  'Germany',
  'India',
  'Australia',
  'Ireland',
  'Spain',
  'Nigeria',
] as const;

export type LoyaltyLevel = (typeof LOYALTY_LEVELS)[number];
export type StockStatus = (typeof STOCK_STATUSES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type ShippingProvider = (typeof SHIPPING_PROVIDERS)[number];
export type DeliveryStage = (typeof DELIVERY_STAGES)[number];
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export type Country = (typeof COUNTRIES)[number];

/** Which delivery stages a delivery.csv row may have, given its order's delivery_status. */
export const STAGES_BY_DELIVERY_STATUS: Record<DeliveryStatus, readonly DeliveryStage[]> = {
  Pending: [],
  'In Transit': ['Label Created', 'Picked Up', 'In Transit', 'At Local Facility'],
  'Out for Delivery': ['Out for Delivery'],
  Delivered: ['Delivered'],
  Delayed: ['Exception'],
};

/** ID formats: a prefix and the first number, then sequential without gaps. */
export const ID_START = {
  customer: 5000,
  product: 1000,
  order: 9000,
  tracking: 10000,
  return: 7000,
} as const;

export const customerId = (index: number): string => `C${ID_START.customer + index}`;
export const productId = (index: number): string => `P${ID_START.product + index}`;
export const orderId = (index: number): string => `O${ID_START.order + index}`;
export const trackingNumber = (index: number): string => `TRK${ID_START.tracking + index}`;
export const returnId = (index: number): string => `R${ID_START.return + index}`;

/** Money is kept in integer cents; written with exactly two decimals. */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
