import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { namedStatus, orderStatus, readOrderStatus } from './order-status.js';

const CSV = `order_id,customer_id,order_status,delivery_status
O1,C1,Shipped,Out for Delivery
O2,C1,Cancelled,
`;

describe('orderStatus / namedStatus', () => {
  it("reads an order's statuses", () => {
    expect(orderStatus(CSV, 'O1').statuses).toEqual(['Shipped', 'Out for Delivery']);
    expect(orderStatus(CSV, 'O2').statuses).toEqual(['Cancelled']);
    expect(() => orderStatus(CSV, 'O3')).toThrow(/O3 is not in orders.csv/);
  });

  it('finds a status named in an answer, case and punctuation aside', () => {
    const status = orderStatus(CSV, 'O1');
    expect(namedStatus('Good news: your order is out for delivery!', status)).toBe(
      'Out for Delivery',
    );
    expect(namedStatus('It has SHIPPED.', status)).toBe('Shipped');
    expect(namedStatus('It was delivered.', status)).toBeUndefined();
    expect(namedStatus('unshipped', status)).toBeUndefined();
  });

  it('reads order 9002 of the committed store', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    expect(readOrderStatus(join(root, 'data/orders.csv'), 'O9002').statuses.length).toBeGreaterThan(
      0,
    );
  });
});
