/**
 * Hand-written fakes shared by this folder's tests (no module mocks): a logger that remembers what
 * it was told and a manual clock.
 */
import type { CallLogger } from './types.js';

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

export class ManualClock {
  constructor(public now: number) {}

  readonly read = (): number => this.now;

  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}
