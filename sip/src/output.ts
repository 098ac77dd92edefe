// The CLI's own output: the one module that writes to the console.
import type { Output } from './format.js';

export function consoleOutput(): Output {
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  };
}
