import { format } from "node:util";

import type { ConsoleInterface } from "./tslab";

/**
 * Format string of tslab 1.0's executor for a TypeScript diagnostic. Its arguments are the
 * file name prefix, the one-based line, the one-based column and the message.
 */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/**
 * The console that tslab's executor reports to, which records instead of printing.
 * tslab's executor calls `log(value)` with the value of the cell's last expression (only when
 * it is neither null nor undefined), `error(DIAGNOSTIC_FORMAT, ...)` once per compile
 * diagnostic and `error(thrown)` with a value that the cell threw. User code cannot reach
 * this console, because `console.log` in a cell writes to process.stdout.
 */
export class CellConsole implements ConsoleInterface {
  /** Diagnostics as `line:column - message` texts, with a file name prefix for other files. */
  diagnostics: string[] = [];
  /** The thrown value, wrapped so that a thrown `undefined` still counts. */
  thrown: { value: unknown } | undefined;
  /** The last expression's value, wrapped for the same reason. */
  result: { value: unknown } | undefined;

  /** Forgets what the previous cell reported. */
  reset(): void {
    this.diagnostics = [];
    this.thrown = undefined;
    this.result = undefined;
  }

  log(value?: unknown): void {
    this.result = { value };
  }

  error(first?: unknown, ...rest: unknown[]): void {
    if (first === DIAGNOSTIC_FORMAT && rest.length === 4) {
      this.diagnostics.push(format(first, ...rest));
      return;
    }
    this.thrown = { value: first };
  }
}
