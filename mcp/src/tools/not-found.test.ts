import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { didYouMeanField, notFound } from './not-found.js';

const orders = new Set(['O9000', 'O9002', 'O9020']);
const exists = (id: string) => orders.has(id);

describe('notFound', () => {
  it('answers with the status, the id under the tool’s own key and the near ids', () => {
    const reply = notFound({ kind: 'order', key: 'order_id', id: 'O9001', exists });
    expect(reply.structured).toEqual({
      status: 'not_found',
      order_id: 'O9001',
      did_you_mean: ['O9000', 'O9002'],
    });
    expect(reply.text).toBe('There is no order O9001. Did the caller mean O9000 or O9002?');
  });

  it('says no more than "there is no" when nothing is near, with an empty list', () => {
    const reply = notFound({ kind: 'product', key: 'product_id', id: 'P123456', exists });
    expect(reply.structured).toEqual({
      status: 'not_found',
      product_id: 'P123456',
      did_you_mean: [],
    });
    expect(reply.text).toBe('There is no product P123456.');
  });

  it('names a tracking number as a parcel', () => {
    const reply = notFound({
      kind: 'tracking',
      key: 'tracking_number',
      id: 'TRK10003',
      exists: (id) => id === 'TRK10002',
    });
    expect(reply.text).toBe(
      'There is no parcel with tracking number TRK10003. Did the caller mean TRK10002?',
    );
  });

  it('offers at most three ids, and never the one asked for', () => {
    const reply = notFound({ kind: 'order', key: 'order_id', id: 'O9002', exists: () => true });
    expect(reply.structured.did_you_mean).toHaveLength(3);
    expect(reply.structured.did_you_mean).not.toContain('O9002');
  });

  it('matches the did_you_mean field every lookup tool declares', () => {
    const schema = z
      .object({
        status: z.literal('not_found'),
        order_id: z.string(),
        did_you_mean: didYouMeanField,
      })
      .strict();
    expect(() =>
      schema.parse(notFound({ kind: 'order', key: 'order_id', id: 'O9001', exists }).structured),
    ).not.toThrow();
  });
});
