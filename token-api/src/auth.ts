import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './errors.js';

export const PASSCODE_HEADER = 'x-qa-passcode';
const BASIC_REALM = 'Basic realm="QA voice tester", charset="UTF-8"';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares in constant time; hashing first makes the lengths equal. */
function matches(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** Requires the shared QA passcode in the X-QA-Passcode header. */
export function requirePasscode(passcode: string): RequestHandler {
  const expected = digest(passcode);
  return (req, _res, next) => {
    const given = req.header(PASSCODE_HEADER) ?? '';
    if (given !== '' && matches(given, expected)) return next();
    next(new UnauthorizedError('A valid X-QA-Passcode header is required'));
  };
}

/** Requires HTTP basic auth (the browser asks for it once and sends it with every request). */
export function requireBasicAuth(credentials: { user: string; password: string }): RequestHandler {
  const user = digest(credentials.user);
  const password = digest(credentials.password);
  return (req, _res, next) => {
    const header = req.header('authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        // Both comparisons always run, so the time does not tell which part was wrong.
        const userOk = matches(decoded.slice(0, colon), user);
        const passwordOk = matches(decoded.slice(colon + 1), password);
        if (userOk && passwordOk) return next();
      }
    }
    next(
      new UnauthorizedError('Valid QA credentials are required (HTTP basic auth)', {
        'WWW-Authenticate': BASIC_REALM,
      }),
    );
  };
}
