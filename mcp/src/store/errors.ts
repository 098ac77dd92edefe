/** A data file that cannot be served, with where the problem is. */
export class StoreLoadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly detail: string,
  ) {
    const where = [file, line, column].filter((part) => part !== undefined).join(':');
    super(`${where}: ${detail}`);
    this.name = 'StoreLoadError';
  }
}
