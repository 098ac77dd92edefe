/**
 * A hand-written `CallLogger` for tests (no module mocks): it remembers what it was told, so a
 * test can assert on messages and check that nothing private was logged.
 */
import type { CallLogger } from '../observability/types.js';

export interface LoggedEntry {
  level: 'debug' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export class FakeLogger implements CallLogger {
  readonly entries: LoggedEntry[] = [];

  debug(obj: object, msg: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }

  warn(obj: object, msg: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }

  error(obj: object, msg: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }

  at(level: LoggedEntry['level']): LoggedEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }

  /** Everything logged, as one string, for privacy assertions. */
  dump(): string {
    return JSON.stringify(this.entries);
  }
}
