import type { Store } from './store/store.js';

/**
 * What one MCP session (one phone call) has proven about its caller. Lives as long as the MCP
 * session; never shared between sessions.
 */
export interface CallerSession {
  /** E.164 number the call came from, vouched for by the agent (SIP caller ID), never by the model. */
  readonly trustedCallerNumber: string | undefined;
  /** Customer id proven with verify_customer in this session. */
  verifiedCustomerId: string | undefined;
  failedVerifications: number;
}

export const MAX_FAILED_VERIFICATIONS = 5;

export function createCallerSession(trustedCallerNumber?: string): CallerSession {
  return { trustedCallerNumber, verifiedCustomerId: undefined, failedVerifications: 0 };
}

export interface Verification {
  customerId: string;
  method: 'email' | 'caller_id';
}

/**
 * Who the caller is proven to be, against the data being served now (so a reload that removes a
 * customer also removes their access). A caller-ID number shared by several customers proves none.
 */
export function verifiedCustomer(session: CallerSession, store: Store): Verification | undefined {
  if (session.verifiedCustomerId !== undefined && store.customers.has(session.verifiedCustomerId)) {
    return { customerId: session.verifiedCustomerId, method: 'email' };
  }
  if (session.trustedCallerNumber === undefined) return undefined;
  const matches = store.customersByPhone.get(session.trustedCallerNumber);
  if (matches?.length === 1) return { customerId: matches[0]!, method: 'caller_id' };
  return undefined;
}
