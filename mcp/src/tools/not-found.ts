// The one "not found, did you mean" answer of every id lookup (product, order, tracking number).
// An unknown id is a normal result, not a tool error: callers mishear or misspeak a digit, and the
// agent should offer the near ids rather than report a failure. Customer ids never get this answer:
// get_customer_orders and verify_customer must not tell which customer ids exist.
import { z } from 'zod';
import { closestIds, type IdKind } from '../store/ids.js';
import type { ToolReply } from './tool.js';

/** How the spoken answer names a missing record of each kind. */
const MISSING: Readonly<Record<IdKind, string>> = Object.freeze({
  customer: 'customer',
  product: 'product',
  order: 'order',
  tracking: 'parcel with tracking number',
  return: 'return',
});

/** The output-schema field every lookup tool declares for its suggestions. */
export const didYouMeanField = z
  .array(z.string())
  .optional()
  .describe('Existing ids one digit away from the one asked for, when it was not found');

/** `{ status: 'not_found', <key>: id, did_you_mean: [...] }`, e.g. key `order_id`. */
export type NotFound<Key extends string> = {
  status: 'not_found';
  did_you_mean: string[];
} & { [K in Key]: string };

export interface MissingId<Key extends string> {
  kind: IdKind;
  /** The output field that carries the id in the tool's other answers, e.g. `order_id`. */
  key: Key;
  /** The normalized id that was looked up and not found. */
  id: string;
  /** Whether an id exists in the store now: the suggestions are drawn from these. */
  exists(id: string): boolean;
}

export function notFound<const Key extends string>({
  kind,
  key,
  id,
  exists,
}: MissingId<Key>): ToolReply<NotFound<Key>> {
  const similar = closestIds(kind, id, exists);
  return {
    // The cast: TypeScript types a computed key as a string index, not as the literal Key.
    structured: { status: 'not_found', [key]: id, did_you_mean: similar } as NotFound<Key>,
    text: `There is no ${MISSING[kind]} ${id}.${didYouMean(similar)}`,
  };
}

/** The spoken suggestion, empty when there is none. */
function didYouMean(ids: readonly string[]): string {
  return ids.length === 0 ? '' : ` Did the caller mean ${ids.join(' or ')}?`;
}
