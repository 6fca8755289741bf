import { sep } from "node:path";
import { inspect, types } from "node:util";

/** A failure in the form of Jupyter's `error` message: name, message and traceback lines. */
export interface ErrorReport {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** `ename` of a cell that TypeScript rejected before it ran. */
export const COMPILE_ERROR_NAME = "CompileError";

/** `ename` of a cell that was stopped by SIGINT or an interrupt_request. */
export const INTERRUPT_ERROR_NAME = "InterruptError";

/** `ename` of a thrown value that is not an Error, following Node's REPL ("Uncaught 'text'"). */
export const UNCAUGHT_VALUE_NAME = "Uncaught";

/** Reports TypeScript diagnostics, one `line:column - message` text per diagnostic. */
export function reportCompileError(diagnostics: readonly string[]): ErrorReport {
  const evalue = diagnostics.join("\n");
  return {
    ename: COMPILE_ERROR_NAME,
    evalue,
    traceback: `${COMPILE_ERROR_NAME}: ${evalue}`.split("\n"),
  };
}

/** Reports an interrupted cell. */
export function reportInterrupt(): ErrorReport {
  const evalue = "The cell was interrupted.";
  return { ename: INTERRUPT_ERROR_NAME, evalue, traceback: [`${INTERRUPT_ERROR_NAME}: ${evalue}`] };
}

/**
 * Reports a value thrown by a cell. For an Error, the traceback is its stack without the
 * frames that `isHiddenFrame` selects (the kernel's own frames). Any other value is reported
 * as `Uncaught <inspected value>`.
 */
export function reportThrownValue(value: unknown, isHiddenFrame: (line: string) => boolean = () => false): ErrorReport {
  if (!isError(value)) {
    const evalue = inspect(value);
    return { ename: UNCAUGHT_VALUE_NAME, evalue, traceback: [`${UNCAUGHT_VALUE_NAME} ${evalue}`] };
  }

  const ename = typeof value.name === "string" && value.name !== "" ? value.name : "Error";
  const evalue = typeof value.message === "string" ? value.message : String(value.message);
  const stack = typeof value.stack === "string" && value.stack !== "" ? value.stack : `${ename}: ${evalue}`;
  const traceback = withoutSourceExcerpt(stack.split("\n"), ename).filter((line) => !isHiddenFrame(line));
  return { ename, evalue, traceback };
}

/**
 * Drops the excerpt that Node's vm puts before the stack of an error thrown by compiled cell
 * code (`evalmachine.<anonymous>:2`, the source line and a caret). Its line numbers count
 * lines of the compiled JavaScript, not of the cell, so they mislead more than they help.
 */
function withoutSourceExcerpt(lines: string[], ename: string): string[] {
  if (!/^evalmachine\.<anonymous>:\d+$/.test(lines[0] ?? "")) {
    return lines;
  }
  const headerIndex = lines.findIndex((line) => line === ename || line.startsWith(`${ename}: `));
  return headerIndex < 0 ? lines : lines.slice(headerIndex);
}

/**
 * Creates a filter for stack lines whose frame lies in one of `directories` or in Node's
 * `node:vm` and `node:internal` modules. Lines that are not frames (`    at ...`) are kept.
 */
export function createHiddenFrameFilter(directories: readonly string[]): (line: string) => boolean {
  const prefixes = directories.map((directory) => (directory.endsWith(sep) ? directory : directory + sep));
  return (line) => {
    if (!/^\s+at /.test(line)) {
      return false;
    }
    if (line.includes("node:vm:") || line.includes("node:internal/")) {
      return true;
    }
    return prefixes.some((prefix) => line.includes(prefix));
  };
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** Returns whether `value` is the error that Node or tslab raise when a cell is interrupted. */
export function isInterruptError(value: unknown, interruptRequested: boolean): boolean {
  if (!isError(value)) {
    return false;
  }
  // vm.runInThisContext({ breakOnSigint: true }) throws this code when SIGINT stops synchronous code.
  if ((value as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    return true;
  }
  // tslab 1.0's executor rejects a pending top-level await with this message on interrupt().
  return interruptRequested && value.message === "Interrupted asynchronously";
}
