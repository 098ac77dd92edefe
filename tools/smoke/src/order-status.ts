// What a correct answer about an order must name: its status as the store's data has it.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface OrderStatus {
  orderId: string;
  /** The order's status and its delivery status (e.g. "Shipped", "Out for Delivery"). */
  statuses: string[];
}

/** The statuses of `orderId` (e.g. "O9002") in an orders.csv text. */
export function orderStatus(csv: string, orderId: string): OrderStatus {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const row = rows.find((r) => r.order_id === orderId);
  if (row === undefined) throw new Error(`order ${orderId} is not in orders.csv`);
  const statuses = [row.order_status, row.delivery_status].filter(
    (s): s is string => s !== undefined && s.trim() !== '',
  );
  return { orderId, statuses: [...new Set(statuses)] };
}

export function readOrderStatus(ordersCsvPath: string, orderId: string): OrderStatus {
  return orderStatus(readFileSync(ordersCsvPath, 'utf8'), orderId);
}

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The status an answer names (case and punctuation aside), or undefined. */
export function namedStatus(answer: string, status: OrderStatus): string | undefined {
  const said = ` ${words(answer)} `;
  return status.statuses.find((s) => said.includes(` ${words(s)} `));
}
