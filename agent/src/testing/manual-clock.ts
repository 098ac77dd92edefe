/** A clock a test sets by hand: pass `read` where a module takes a `Clock`. */
export class ManualClock {
  constructor(public now: number) {}

  readonly read = (): number => this.now;

  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}
