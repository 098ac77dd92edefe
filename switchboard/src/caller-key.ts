import { createHmac, randomBytes } from 'node:crypto';

/**
 * A caller's number as a key the limits can compare but nobody can read: an HMAC with a key made
 * at start (the limits live in memory, so the key need not outlive the process). Logs and state
 * hold this key, never the number.
 */
export function createCallerKeys(secret: Buffer = randomBytes(32)): (number: string) => string {
  return (number) => createHmac('sha256', secret).update(number).digest('hex').slice(0, 16);
}
