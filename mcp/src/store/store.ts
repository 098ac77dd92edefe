import type { CountryCode } from 'libphonenumber-js';
import type { Customer, Delivery, Order, Product, ReturnRecord, StorePolicies } from './schemas.js';
import { createProductSearchIndex, type ProductSearchIndex } from './search.js';

/** One immutable, fully indexed snapshot of the store's data. Reloads build a new one. */
export interface Store {
  readonly customers: ReadonlyMap<string, Customer>;
  readonly products: ReadonlyMap<string, Product>;
  readonly orders: ReadonlyMap<string, Order>;
  readonly deliveries: ReadonlyMap<string, Delivery>;
  /** Newest first. */
  readonly ordersByCustomer: ReadonlyMap<string, readonly Order[]>;
  readonly orderByTracking: ReadonlyMap<string, Order>;
  readonly returnsByOrder: ReadonlyMap<string, readonly ReturnRecord[]>;
  /** E.164 number → customer ids on file with that number (a household may share one). */
  readonly customersByPhone: ReadonlyMap<string, readonly string[]>;
  readonly policies: StorePolicies;
  readonly productSearch: ProductSearchIndex;
  readonly defaultCountry: CountryCode;
  readonly loadedAt: Date;
}

export interface StoreContents {
  customers: Map<string, Customer>;
  customersByPhone: Map<string, string[]>;
  products: Map<string, Product>;
  orders: Map<string, Order>;
  orderByTracking: Map<string, Order>;
  ordersByCustomer: Map<string, Order[]>;
  deliveries: Map<string, Delivery>;
  returnsByOrder: Map<string, ReturnRecord[]>;
  policies: StorePolicies;
}

export function indexStore(contents: StoreContents, defaultCountry: CountryCode): Store {
  // Newest first: what a caller asks about is almost always their latest order.
  for (const list of contents.ordersByCustomer.values()) {
    if (list.length > 1)
      list.sort((a, b) => (a.order_date < b.order_date ? 1 : a.order_date > b.order_date ? -1 : 0));
  }
  return Object.freeze({
    ...contents,
    productSearch: createProductSearchIndex(contents.products.values()),
    defaultCountry,
    loadedAt: new Date(),
  });
}
