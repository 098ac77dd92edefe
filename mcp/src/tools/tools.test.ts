import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallerSession, type CallerSession } from '../caller-session.js';
import type { LiveStore } from '../store/live-store.js';
import { fixtureLiveStore } from '../testing/fixture-store.js';
import { TOOLS } from './registry.js';
import { ToolInputError, type AnyTool, type ToolContext } from './tool.js';

let live: LiveStore;
beforeAll(async () => {
  live = await fixtureLiveStore();
});

function tool(name: string): AnyTool {
  const found = TOOLS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}

/** Calls a tool as the MCP server does: arguments through its input schema, output checked against its output schema. */
function call(
  name: string,
  args: Record<string, unknown>,
  session: CallerSession = createCallerSession(),
) {
  const definition = tool(name);
  const parsed = z.object(definition.inputSchema).parse(args);
  const context: ToolContext = { store: () => live.current(), session };
  const reply = definition.handler(parsed, context);
  z.object(definition.outputSchema).strict().parse(reply.structured);
  return reply as { structured: Record<string, any>; text: string };
}

const PERSONAL = ['ana.garcia@example.com', 'Ana García', 'García', '555-0100', '+14155550100'];
function expectNoPersonalData(value: unknown): void {
  const serialized = JSON.stringify(value);
  for (const item of PERSONAL) expect(serialized).not.toContain(item);
}

describe('the tool set', () => {
  it('keeps the original contract names and arguments', () => {
    const contract: Record<string, string[]> = {
      get_product: ['product_id'],
      get_order_status: ['order_id'],
      get_delivery_status: ['tracking_number'],
      get_return_status: ['order_id'],
      get_customer_orders: ['customer_id'],
      get_store_policies: ['topic'],
      search_products: ['query', 'category', 'in_stock_only'],
      verify_customer: ['customer_id', 'order_id', 'email'],
    };
    for (const [name, args] of Object.entries(contract))
      expect(Object.keys(tool(name).inputSchema)).toEqual(args);
  });

  it('declares every annotation hint; only verify_customer writes (to its call session)', () => {
    for (const { name, annotations } of TOOLS) {
      expect(Object.keys(annotations).sort(), name).toEqual([
        'destructiveHint',
        'idempotentHint',
        'openWorldHint',
        'readOnlyHint',
        'title',
      ]);
      expect(annotations.title, name).not.toBe('');
      expect(annotations.openWorldHint, name).toBe(false);
      expect(annotations.destructiveHint, name).toBe(false);
      expect(annotations.readOnlyHint, name).toBe(name !== 'verify_customer');
      expect(annotations.idempotentHint, name).toBe(name !== 'verify_customer');
    }
  });

  it('answers an unknown id the same way in every id lookup', () => {
    const lookups: [string, string, string, string][] = [
      ['get_product', 'product_id', 'P1999', 'product'],
      ['get_order_status', 'order_id', 'O9999', 'order'],
      ['get_order_delivery', 'order_id', 'O9999', 'order'],
      ['get_return_status', 'order_id', 'O9999', 'order'],
      ['get_delivery_status', 'tracking_number', 'TRK19999', 'parcel with tracking number'],
    ];
    for (const [name, key, id, noun] of lookups) {
      const reply = call(name, { [key]: id });
      expect(reply.structured, name).toEqual({ status: 'not_found', [key]: id, did_you_mean: [] });
      expect(reply.text, name).toBe(`There is no ${noun} ${id}.`);
    }
  });
});

describe('get_order_status', () => {
  it.each(['O9002', 'o 9002', 'O-9002', '9002', ' o9002 '])('finds %j', (orderId) => {
    const reply = call('get_order_status', { order_id: orderId });
    expect(reply.structured).toMatchObject({
      status: 'found',
      order_id: 'O9002',
      order: {
        product_name: 'Bluetooth Speaker',
        order_status: 'Shipped',
        delivery_status: 'Out for Delivery',
        tracking_number: 'TRK10002',
      },
    });
    expect(reply.text).toContain('Friday, November 20, 2026');
    expectNoPersonalData(reply);
    expect(reply.structured.order).not.toHaveProperty('customer_id');
  });

  it('answers not found as a normal result with the closest ids', () => {
    const reply = call('get_order_status', { order_id: '9020' });
    expect(reply.structured).toMatchObject({ status: 'not_found', order_id: 'O9020' });
    expect(reply.structured.did_you_mean).toEqual(expect.arrayContaining(['O9002', 'O9000']));
    expect(reply.text).toMatch(
      /^There is no order O9020\. Did the caller mean O90\d\d or O90\d\d\?$/,
    );
    expect(call('get_order_status', { order_id: 'O123456' }).structured).toEqual({
      status: 'not_found',
      order_id: 'O123456',
      did_you_mean: [],
    });
  });

  it('is a tool error for something that is no order id', () => {
    expect(() => call('get_order_status', { order_id: 'P1000' })).toThrow(ToolInputError);
    expect(() => call('get_order_status', { order_id: 'P1000' })).toThrow(
      /product id, not an order id/,
    );
  });
});

describe('get_product', () => {
  it('returns the product with price and currency in words', () => {
    const reply = call('get_product', { product_id: 'p1000' });
    expect(reply.structured.product).toMatchObject({
      name: 'Wireless Noise-Cancelling Headphones',
      price: 199.99,
      currency: 'USD',
      returnable: true,
    });
    expect(reply.text).toBe(
      'Wireless Noise-Cancelling Headphones by Sonora costs 199.99 US dollars. Stock: In Stock. Rated 4.5 out of 5. 24-month warranty. It can be returned within 30 days.',
    );
  });
  it('says when a product cannot be returned', () => {
    expect(call('get_product', { product_id: '1001' }).text).toContain('It cannot be returned.');
  });
});

describe('get_delivery_status and get_order_delivery', () => {
  it('tracks a parcel by tracking number', () => {
    const reply = call('get_delivery_status', { tracking_number: 'trk 10002' });
    expect(reply.structured).toMatchObject({
      status: 'found',
      delivery: {
        order_id: 'O9002',
        delivery_stage: 'Out for Delivery',
        current_location: 'San Francisco, CA Local Facility',
        shipping_provider: 'UPS',
      },
    });
    expectNoPersonalData(reply);
  });
  it('suggests near tracking numbers, also of parcels with no carrier update yet', () => {
    // TRK10005 is on an order but not yet in delivery.csv.
    expect(call('get_delivery_status', { tracking_number: 'TRK10055' }).structured).toEqual({
      status: 'not_found',
      tracking_number: 'TRK10055',
      did_you_mean: ['TRK10005'],
    });
  });
  it('says when a shipped parcel has no carrier updates yet', () => {
    expect(call('get_delivery_status', { tracking_number: 'TRK10005' }).structured.status).toBe(
      'no_updates_yet',
    );
  });
  it('finds the delivery from an order id', () => {
    expect(call('get_order_delivery', { order_id: '9002' }).structured).toMatchObject({
      status: 'found',
      delivery: { tracking_number: 'TRK10002' },
    });
    expect(call('get_order_delivery', { order_id: '9003' }).structured).toEqual({
      status: 'not_shipped',
      order_id: 'O9003',
      order_status: 'Processing',
    });
  });
});

describe('get_return_status', () => {
  it('reports the return and refund in words, hiding the reason from unverified callers', () => {
    const reply = call('get_return_status', { order_id: 'O9000' });
    expect(reply.structured.returns).toEqual([
      expect.objectContaining({
        return_id: 'R7000',
        return_status: 'Refunded',
        refund_amount: 199.99,
        currency: 'USD',
        return_reason: null,
      }),
    ]);
    expect(reply.text).toContain('Refund of 199.99 US dollars');
  });
  it('shows the reason to the verified customer who placed the order', () => {
    const reply = call(
      'get_return_status',
      { order_id: 'O9000' },
      createCallerSession('+14155550100'),
    );
    expect(reply.structured.returns[0].return_reason).toBe('Arrived damaged, box was "crushed"');
  });
  it('says whether an order without a return can be returned', () => {
    expect(call('get_return_status', { order_id: 'O9002' }).structured).toEqual({
      status: 'no_return',
      order_id: 'O9002',
      returnable: true,
      return_window_days: 30,
    });
    expect(call('get_return_status', { order_id: 'O9001' }).structured.returnable).toBe(false);
  });
});

describe('privacy: get_customer_orders and verification', () => {
  it('refuses an unverified session', () => {
    const reply = call('get_customer_orders', { customer_id: 'C5000' });
    expect(reply.structured).toEqual({ status: 'verification_required' });
    expectNoPersonalData(reply);
  });

  it('answers a caller calling from the number on file, for their own account only', () => {
    const session = createCallerSession('+14155550100');
    const own = call('get_customer_orders', {}, session);
    expect(own.structured).toMatchObject({
      status: 'found',
      customer_id: 'C5000',
      first_name: 'Ana',
      total_orders: 3,
    });
    expect(own.structured.orders.map((order: { order_id: string }) => order.order_id)).toEqual([
      'O9002',
      'O9001',
      'O9000',
    ]);
    expect(JSON.stringify(own)).not.toContain('ana.garcia@example.com');
    expect(call('get_customer_orders', { customer_id: 'C5001' }, session).structured).toEqual({
      status: 'not_allowed',
    });
  });

  it('does not verify a number shared by two customers', () => {
    const session = createCallerSession('+12125550150');
    expect(call('get_customer_orders', {}, session).structured.status).toBe(
      'verification_required',
    );
    expect(call('get_caller_verification', {}, session).structured).toEqual({ verified: false });
  });

  it('verifies with customer id or order id plus email, case-insensitively', () => {
    const byCustomer = createCallerSession();
    expect(
      call('verify_customer', { customer_id: 'c5001', email: 'bob.oneil@example.COM ' }, byCustomer)
        .structured,
    ).toEqual({
      status: 'verified',
      customer_id: 'C5001',
      first_name: 'Bob',
    });
    expect(call('get_customer_orders', {}, byCustomer).structured.total_orders).toBe(2);

    const byOrder = createCallerSession();
    expect(
      call('verify_customer', { order_id: '9004', email: 'sam.smith@example.com' }, byOrder)
        .structured.status,
    ).toBe('verified');
    expect(call('get_caller_verification', {}, byOrder).structured).toEqual({
      verified: true,
      method: 'email',
      customer_id: 'C5002',
      first_name: 'Smith',
    });
  });

  it('answers a wrong email and an unknown id alike, and locks after five failures', () => {
    const session = createCallerSession();
    const wrongEmail = call(
      'verify_customer',
      { customer_id: 'C5000', email: 'someone@example.com' },
      session,
    );
    const unknownId = call(
      'verify_customer',
      { customer_id: 'C5999', email: 'someone@example.com' },
      session,
    );
    expect(wrongEmail.text.replace(/\d+ attempts?/, '')).toBe(
      unknownId.text.replace(/\d+ attempts?/, ''),
    );
    expect(
      call(
        'verify_customer',
        { customer_id: 'C5000', order_id: 'O9003', email: 'ana.garcia@example.com' },
        session,
      ).structured.status,
    ).toBe('not_verified');
    call('verify_customer', { customer_id: 'C5000', email: 'x@example.com' }, session);
    call('verify_customer', { customer_id: 'C5000', email: 'x@example.com' }, session);
    expect(
      call('verify_customer', { customer_id: 'C5000', email: 'ana.garcia@example.com' }, session)
        .structured.status,
    ).toBe('locked');
    expect(session.verifiedCustomerId).toBeUndefined();
  });

  it('needs an id and an email address', () => {
    expect(() => call('verify_customer', { email: 'ana.garcia@example.com' })).toThrow(
      /customer_id or order_id/,
    );
    expect(() => call('verify_customer', { customer_id: 'C5000', email: 'not-an-email' })).toThrow(
      /email/,
    );
    expect(() => call('verify_customer', { customer_id: 'C5000' })).toThrow();
  });

  it('never returns a full name, email or phone from any lookup without verification', () => {
    const lookups: [string, Record<string, unknown>][] = [
      ['get_order_status', { order_id: 'O9000' }],
      ['get_delivery_status', { tracking_number: 'TRK10000' }],
      ['get_order_delivery', { order_id: 'O9000' }],
      ['get_return_status', { order_id: 'O9000' }],
      ['get_product', { product_id: 'P1000' }],
      ['search_products', { query: 'headphones' }],
      ['get_store_policies', {}],
      ['get_customer_orders', { customer_id: 'C5000' }],
      ['get_caller_verification', {}],
    ];
    for (const [name, args] of lookups) expectNoPersonalData(call(name, args));
  });
});

describe('search_products', () => {
  it('ranks name matches first and accepts singular, partial and accented words', () => {
    const reply = call('search_products', { query: 'noise cancelling headphone' });
    expect(reply.structured.results[0].product_id).toBe('P1000');
    expect(call('search_products', { query: 'headph' }).structured.results[0].product_id).toBe(
      'P1000',
    );
    expect(
      call('search_products', { query: 'Sonora' }).structured.results.map(
        (r: { product_id: string }) => r.product_id,
      ),
    ).toEqual(['P1000', 'P1002']);
  });
  it('filters by category and stock', () => {
    expect(
      call('search_products', { query: 'sonora', category: 'electronics', in_stock_only: true })
        .structured.results,
    ).toHaveLength(2);
    expect(
      call('search_products', { query: 'laptop sleeve', in_stock_only: true }).structured,
    ).toEqual({ status: 'no_match', results: [] });
    expect(
      call('search_products', { query: 'knife', category: 'kitchen' }).structured.results[0]
        .product_id,
    ).toBe('P1003');
  });
  it('refuses an empty query', () => {
    expect(() => call('search_products', { query: '  ' })).toThrow(ToolInputError);
  });
});

describe('get_store_policies', () => {
  it('returns every policy, or those of one topic', () => {
    expect(call('get_store_policies', {}).structured.policies).toHaveLength(2);
    const returns = call('get_store_policies', { topic: 'returns' });
    expect(returns.structured).toMatchObject({
      status: 'found',
      policies: [{ topic: 'return_window' }],
    });
    expect(returns.text).toBe('Returns: Items can be returned within 30 days of delivery.');
    expect(call('get_store_policies', { topic: 'gift wrapping' }).structured.status).toBe(
      'topic_not_found',
    );
  });
});

describe('argument validation', () => {
  it('rejects oversized and control-character arguments without echoing them', () => {
    const huge = 'O'.repeat(100_000);
    const tooLong = z.object(tool('get_order_status').inputSchema).safeParse({ order_id: huge });
    expect(tooLong.success).toBe(false);
    expect(JSON.stringify(tooLong.error?.issues)).not.toContain('OOOOOOOOOO');
    const control = z
      .object(tool('get_order_status').inputSchema)
      .safeParse({ order_id: 'O90\u000002' });
    expect(control.error?.issues[0]?.message).toBe('contains control characters');
  });
});
