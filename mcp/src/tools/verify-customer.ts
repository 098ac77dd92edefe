import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MAX_FAILED_VERIFICATIONS } from '../caller-session.js';
import { firstName } from '../speech.js';
import { defineTool, idArgument, requireId, textArgument, ToolInputError } from './tool.js';

function sameEmail(given: string, onFile: string): boolean {
  const digest = (email: string) =>
    createHash('sha256').update(email.trim().toLowerCase()).digest();
  return timingSafeEqual(digest(given), digest(onFile));
}

export const verifyCustomer = defineTool({
  name: 'verify_customer',
  annotations: {
    title: 'Verify the caller',
    // Writes this call's session, never the store: a match verifies the caller, a mismatch uses up
    // one of the attempts (so not idempotent: the same wrong details end in "locked"). Additive: a
    // mismatch never undoes a verification, and a match grants only what the caller proved.
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
  description:
    'Verify the caller for the rest of this call with their customer id OR one of their order ids, plus the email address on their account (case does not matter). Needed before get_customer_orders unless the call comes from the phone number on file. Never read an email address out to the caller.',
  inputSchema: {
    customer_id: idArgument('Customer id, e.g. "C5000"').optional(),
    order_id: idArgument('One of the caller\'s order ids, e.g. "O9002"').optional(),
    email: textArgument('The email address the caller gives for their account', 254),
  },
  outputSchema: {
    status: z.enum(['verified', 'not_verified', 'locked']),
    customer_id: z.string().optional(),
    first_name: z.string().optional(),
    attempts_left: z.number().optional(),
  },
  handler({ customer_id, order_id, email }, context) {
    const { session } = context;
    if (customer_id === undefined && order_id === undefined) {
      throw new ToolInputError('Give customer_id or order_id together with the email address.');
    }
    if (!email.includes('@'))
      throw new ToolInputError('email must be an email address (with an @).');
    if (session.failedVerifications >= MAX_FAILED_VERIFICATIONS) {
      return {
        structured: { status: 'locked' as const, attempts_left: 0 },
        text: 'Too many failed attempts in this call. The caller cannot be verified now; offer other help or a human agent.',
      };
    }
    const store = context.store();
    const fromCustomer = customer_id === undefined ? undefined : requireId('customer', customer_id);
    const fromOrder =
      order_id === undefined
        ? undefined
        : store.orders.get(requireId('order', order_id))?.customer_id;
    // Both given: they must agree. An unknown id and a wrong email answer the same, so that
    // verification cannot be used to find out which ids exist.
    const candidate =
      fromCustomer !== undefined && order_id !== undefined && fromOrder !== fromCustomer
        ? undefined
        : (fromCustomer ?? fromOrder);
    const customer = candidate === undefined ? undefined : store.customers.get(candidate);
    if (customer !== undefined && customer.email !== null && sameEmail(email, customer.email)) {
      session.verifiedCustomerId = customer.customer_id;
      session.failedVerifications = 0;
      return {
        structured: {
          status: 'verified' as const,
          customer_id: customer.customer_id,
          first_name: firstName(customer.name),
        },
        text: `Verified: the caller is customer ${customer.customer_id}, ${firstName(customer.name)}.`,
      };
    }
    session.failedVerifications++;
    const attemptsLeft = MAX_FAILED_VERIFICATIONS - session.failedVerifications;
    return {
      structured: { status: 'not_verified' as const, attempts_left: attemptsLeft },
      text: `Those details do not match our records. ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left in this call.`,
    };
  },
});
