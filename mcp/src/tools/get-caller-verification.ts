import { z } from 'zod';
import { verifiedCustomer } from '../caller-session.js';
import { firstName } from '../speech.js';
import { defineTool } from './tool.js';

export const getCallerVerification = defineTool({
  name: 'get_caller_verification',
  annotations: {
    title: 'Is the caller verified?',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  description:
    'Whether the caller is already verified in this call, and how: by the phone number they are calling from (caller ID) or by verify_customer. Call at the start of a call to greet a known caller by first name.',
  inputSchema: {},
  outputSchema: {
    verified: z.boolean(),
    method: z.enum(['email', 'caller_id']).optional(),
    customer_id: z.string().optional(),
    first_name: z.string().optional(),
  },
  handler(_args, context) {
    const store = context.store();
    const verification = verifiedCustomer(context.session, store);
    if (verification === undefined) {
      return { structured: { verified: false }, text: 'The caller is not verified.' };
    }
    const name = firstName(store.customers.get(verification.customerId)!.name);
    return {
      structured: {
        verified: true,
        method: verification.method,
        customer_id: verification.customerId,
        first_name: name,
      },
      text: `The caller is verified (${verification.method === 'caller_id' ? 'calling from the number on file' : 'by email'}) as customer ${verification.customerId}, ${name}.`,
    };
  },
});
