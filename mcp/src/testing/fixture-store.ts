// A small, hand-written store for tests: every row is known, so assertions can be exact.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLiveStore, type LiveStore } from '../store/live-store.js';

export const FIXTURE_FILES = {
  'customers.csv': `customer_id,name,email,phone,city,country,member_since,loyalty_level
C5000,Ana García,ana.garcia@example.com,+1 (415) 555-0100,San Francisco,United States,2021-03-14,Gold
C5001,Bob O'Neil,Bob.ONeil@Example.com,415-555-0101 ext. 22,Seattle,United States,2022-07-01,
C5002,"Smith, Sam",sam.smith@example.com,+44 (0)20 7946 0123,"Washington, D.C.",United States,2020-01-01,Silver
C5003,Household One,h1@example.com,(212) 555-0150,New York,United States,2020-01-01,
C5004,Household Two,h2@example.com,212.555.0150,New York,United States,2020-01-01,
`,
  'products.csv': `product_id,name,category,brand,price,currency,rating,stock_status,description,warranty_months,returnable
P1000,Wireless Noise-Cancelling Headphones,Electronics,Sonora,199.99,USD,4.5,In Stock,"Over-ear, 30-hour battery",24,Yes
P1001,"15"" Laptop Sleeve, Grey",Accessories,Packwell,24.99,USD,,Out of Stock,"Fits 15"" laptops",,No
P1002,Bluetooth Speaker,Electronics,Sonora,59.00,USD,4.1,In Stock,Waterproof speaker for the beach,12,Yes
P1003,Ceramic Chef's Knife,Home & Kitchen,Kyoto Steel,89.50,USD,4.8,Low Stock,Razor sharp,36,Yes
`,
  'orders.csv': `order_id,customer_id,product_id,quantity,order_date,order_status,payment_status,delivery_status,delivery_eta,shipping_provider,tracking_number
O9000,C5000,P1000,1,2026-10-01,Delivered,Paid,Delivered,2026-10-05,UPS,TRK10000
O9001,C5000,P1001,2,2026-11-10,Shipped,Paid,In Transit,2026-11-22,FedEx,TRK10001
O9002,C5000,P1002,1,2026-11-15,Shipped,Paid,Out for Delivery,2026-11-20,UPS,TRK10002
O9003,C5001,P1002,1,2026-11-18,Processing,Pending,Pending,,,
O9004,C5002,P1000,1,2026-09-01,Returned,Refunded,Delivered,2026-09-04,DHL,TRK10004
O9005,C5001,P1003,1,2026-11-19,Shipped,Paid,In Transit,2026-11-25,USPS,TRK10005
`,
  'delivery.csv': `tracking_number,current_location,delivery_stage,last_updated,delivery_agent
TRK10000,"Memphis, TN Distribution Center",Delivered,2026-10-05T15:20:00Z,Maria Lopez
TRK10001,"Louisville, KY Hub",In Transit,2026-11-19T08:00:00Z,
TRK10002,"San Francisco, CA Local Facility",Out for Delivery,2026-11-20T07:45:00Z,Dan Wu
TRK10004,"London Heathrow, UK",Delivered,2026-09-04T11:00:00Z,Priya Shah
`,
  'returns.csv': `return_id,order_id,product_id,return_reason,return_status,refund_amount,refund_status,return_date
R7000,O9000,P1000,"Arrived damaged, box was ""crushed""",Refunded,199.99,Processed,2026-10-08
R7001,O9004,P1000,Changed my mind,Refunded,199.99,Processed,2026-09-10
`,
  'store_policies.yaml': `store_name: Test Store
support_hours: Every day, 9 to 5
currency: USD
return_window_days: 30
policies:
  - topic: return_window
    title: Returns
    text: Items can be returned within 30 days of delivery.
  - topic: delivery_time
    title: Delivery times
    text: Standard delivery takes 3 to 5 business days.
`,
} as const;

export type FixtureFile = keyof typeof FIXTURE_FILES;

/** Writes the fixture store (with any files replaced) into a new temporary folder. */
export function writeFixtureStore(replace: Partial<Record<FixtureFile, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  for (const [file, content] of Object.entries({ ...FIXTURE_FILES, ...replace })) {
    writeFileSync(join(dir, file), content);
  }
  return dir;
}

export const silentLogger = pino({ level: 'silent' });

export async function fixtureLiveStore(
  replace: Partial<Record<FixtureFile, string>> = {},
): Promise<LiveStore> {
  return createLiveStore({
    dir: writeFixtureStore(replace),
    defaultCountry: 'US',
    logger: silentLogger,
  });
}
