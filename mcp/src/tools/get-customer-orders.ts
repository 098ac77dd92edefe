import { z } from 'zod';
import { verifiedCustomer } from '../caller-session.js';
import { firstName, spokenDate } from '../speech.js';
import { defineTool, idArgument, requireId } from './tool.js';
import { orderView, toOrderView } from './views.js';

const MAX_ORDERS = 10;
const MAX_SPOKEN = 3;

export const getCustomerOrders = defineTool({
  name: 'get_customer_orders',
  annotations: {
    title: "The verified caller's orders",
    // Needs a verification but never makes one (verify_customer does).
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    "List the verified caller's own orders, newest first. Only works once the caller is verified (by their phone number on file, or with verify_customer); customer_id may be left out and defaults to the verified caller. Never returns another customer's orders.",
  inputSchema: {
    customer_id: idArgument(
      'Customer id (like C5000); leave out to use the verified caller',
    ).optional(),
  },
  outputSchema: {
    status: z.enum(['found', 'verification_required', 'not_allowed']),
    customer_id: z.string().optional(),
    first_name: z.string().optional(),
    total_orders: z.number().optional(),
    orders: z.array(orderView).optional().describe(`The ${MAX_ORDERS} most recent orders`),
  },
  handler({ customer_id }, context) {
    const store = context.store();
    const requested = customer_id === undefined ? undefined : requireId('customer', customer_id);
    const verification = verifiedCustomer(context.session, store);
    if (verification === undefined) {
      return {
        structured: { status: 'verification_required' as const },
        text: 'The caller is not verified. Ask for their customer id or an order id, and the email address on their account, then call verify_customer.',
      };
    }
    if (requested !== undefined && requested !== verification.customerId) {
      return {
        structured: { status: 'not_allowed' as const },
        text: "That is not the verified caller's customer id. Orders can only be read for the verified caller's own account.",
      };
    }
    const customer = store.customers.get(verification.customerId)!;
    const orders = store.ordersByCustomer.get(customer.customer_id) ?? [];
    const recent = orders.slice(0, MAX_ORDERS).map((order) => toOrderView(order, store));
    const spoken = recent
      .slice(0, MAX_SPOKEN)
      .map(
        (order) =>
          `${order.order_id}, ${order.product_name ?? order.product_id}, placed ${spokenDate(order.order_date)}, ${order.order_status}`,
      )
      .join('; ');
    return {
      structured: {
        status: 'found' as const,
        customer_id: customer.customer_id,
        first_name: firstName(customer.name),
        total_orders: orders.length,
        orders: recent,
      },
      text:
        orders.length === 0
          ? 'The caller has no orders on file.'
          : `The caller has ${orders.length} order${orders.length === 1 ? '' : 's'}. Most recent: ${spoken}.`,
    };
  },
});
