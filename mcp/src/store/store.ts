import type { CountryCode } from 'libphonenumber-js';
import type { RecordLookup } from './row-table.js';
import type { Customer, Delivery, Order, Product, ReturnRecord, StorePolicies } from './schemas.js';
import { createProductSearchIndex, type ProductSearchIndex } from './search.js';

/** One immutable, fully indexed snapshot of the store's data. Reloads build a new one. */
export interface Store {
  readonly customers: ReadonlyMap<string, Customer>;
  readonly products: ReadonlyMap<string, Product>;
  /** Orders and deliveries are row tables: each get() builds a fresh record. */
  readonly orders: RecordLookup<Order>;
  readonly deliveries: RecordLookup<Delivery>;
  /** Newest first. */
  readonly ordersByCustomer: RecordLookup<readonly Order[]>;
  readonly orderByTracking: RecordLookup<Order>;
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
  orders: RecordLookup<Order>;
  orderByTracking: RecordLookup<Order>;
  ordersByCustomer: RecordLookup<readonly Order[]>;
  deliveries: RecordLookup<Delivery>;
  returnsByOrder: Map<string, ReturnRecord[]>;
  policies: StorePolicies;
}

export function indexStore(contents: StoreContents, defaultCountry: CountryCode): Store {
  return Object.freeze({
    ...contents,
    productSearch: createProductSearchIndex(contents.products.values()),
    defaultCountry,
    loadedAt: new Date(),
  });
}
