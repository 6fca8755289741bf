import { dirname } from "node:path";

import type { MimeBundleContent } from "../protocol/messages";
import { CellConsole } from "./cell-console";
import { checkCompleteness, type CompletenessResult } from "./completeness";
import {
  createHiddenFrameFilter,
  isInterruptError,
  reportCompileError,
  reportInterrupt,
  reportThrownValue,
  type ErrorReport,
} from "./error-report";
import { executeResultBundle } from "./mime-bundle";
import { createPathForwarder, forwardTypeScriptPaths, redirectPackageRequire } from "./module-resolution";
import {
  TSLAB_DIRECTORY,
  createConverter,
  createExecutor,
  loadTslabTypeScript,
  printQuickInfo,
  type Converter,
  type ConverterSet,
  type Executor,
  type TslabTypeScript,
} from "./tslab";

/** Result of running one cell. */
export type CellOutcome =
  | {
      status: "ok";
      /** Bundle of the last expression's value, absent when there is none or it is null or undefined. */
      result?: MimeBundleContent;
    }
  | { status: "error"; error: ErrorReport };

/** Completion candidates for a cursor, with UTF-16 offsets into the code. */
export interface CompletionMatches {
  /** Start of the text that a candidate replaces. */
  start: number;
  /** End of the text that a candidate replaces. */
  end: number;
  matches: string[];
}

/**
 * Compiles and runs cells one at a time, and provides completion, inspection and completeness
 * checks for editors.
 * Cursor offsets are UTF-16 offsets into `code`.
 */
export interface CellRunner {
  /** Runs `code`. Never rejects, because failures become an outcome with status `error`. */
  run(code: string): Promise<CellOutcome>;
  complete(code: string, cursor: number): CompletionMatches;
  /** Returns the type and documentation of the symbol at `cursor`, or undefined. */
  inspect(code: string, cursor: number): string | undefined;
  checkCompleteness(code: string): CompletenessResult;
  /** Stops the running cell, if any. A cell that runs later is unaffected. */
  interrupt(): void;
  /** Releases the compiler's file watchers and undoes the module redirection. */
  close(): void;
}

export interface TslabCellRunnerOptions {
  /** Package that cells import by name wherever the kernel runs, such as `dnaquant`. */
  packageName: string;
  /** Folder of that package, the one with its package.json. */
  packageRoot: string;
}

/**
 * Cell runner built on tslab's converter and executor. Cells resolve relative imports and
 * `node_modules` from the process's working directory, which tslab's converter reads itself.
 */
export class TslabCellRunner implements CellRunner {
  private readonly console = new CellConsole();
  private readonly typescript: TslabTypeScript;
  private readonly executor: Executor;
  private readonly converters: LazyConverterSet;
  private readonly isHiddenFrame: (line: string) => boolean;
  private readonly undoActions: Array<() => void> = [];
  private running = false;
  private interruptRequested = false;

  constructor({ packageName, packageRoot }: TslabCellRunnerOptions) {
    this.typescript = loadTslabTypeScript();
    const rootDirectory = process.cwd();

    // The forwarding must be in place before the first converter exists (see forwardTypeScriptPaths).
    const forward = createPathForwarder(rootDirectory, packageName, packageRoot);
    this.undoActions.push(forwardTypeScriptPaths(this.typescript.sys, forward));
    this.undoActions.push(redirectPackageRequire(packageName, packageRoot));

    this.converters = new LazyConverterSet();
    this.executor = createExecutor(rootDirectory, this.converters, this.console);
    // Tracebacks hide the frames of tslab and of this kernel, which are not the user's code.
    this.isHiddenFrame = createHiddenFrameFilter([TSLAB_DIRECTORY, dirname(__dirname)]);
  }

  /** TypeScript version that compiles cells. */
  get typescriptVersion(): string {
    return this.typescript.version;
  }

  /** Creates the Node.js converter now, which takes several hundred milliseconds. */
  warmUp(): void {
    void this.converters.node;
  }

  async run(code: string): Promise<CellOutcome> {
    this.console.reset();
    this.running = true;
    this.interruptRequested = false;
    let succeeded: boolean;
    try {
      succeeded = await this.executor.execute(code);
    } catch (error) {
      // The executor itself failed (for example inside the compiler), not the cell's code.
      return { status: "error", error: reportThrownValue(error, this.isHiddenFrame) };
    } finally {
      this.running = false;
    }

    const { diagnostics, thrown, result } = this.console;
    if (diagnostics.length > 0) {
      // tslab registers `@module` cells despite diagnostics, but they count as errors here too.
      return { status: "error", error: reportCompileError(diagnostics) };
    }
    if (!succeeded) {
      return { status: "error", error: this.reportFailure(thrown) };
    }
    if (result === undefined) {
      return { status: "ok" };
    }
    try {
      return { status: "ok", result: executeResultBundle(result.value) };
    } catch (error) {
      return { status: "error", error: reportThrownValue(error, this.isHiddenFrame) };
    }
  }

  complete(code: string, cursor: number): CompletionMatches {
    const info = this.executor.complete(code, cursor);
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  inspect(code: string, cursor: number): string | undefined {
    const info = this.executor.inspect(code, cursor);
    if (info === undefined || info === null) {
      return undefined;
    }
    const text = printQuickInfo(info);
    return text === "" ? undefined : text;
  }

  checkCompleteness(code: string): CompletenessResult {
    return checkCompleteness(this.typescript, code);
  }

  interrupt(): void {
    if (!this.running) {
      return;
    }
    this.interruptRequested = true;
    this.executor.interrupt();
  }

  close(): void {
    this.executor.close();
    for (const undo of this.undoActions.splice(0).reverse()) {
      undo();
    }
  }

  private reportFailure(thrown: { value: unknown } | undefined): ErrorReport {
    if (thrown === undefined) {
      return reportThrownValue(new Error("The cell failed without reporting an error."));
    }
    if (isInterruptError(thrown.value, this.interruptRequested)) {
      return reportInterrupt();
    }
    return reportThrownValue(thrown.value, this.isHiddenFrame);
  }
}

/** tslab's pair of converters, each created on first use because creation is slow. */
class LazyConverterSet implements ConverterSet {
  private nodeConverter: Converter | undefined;
  private browserConverter: Converter | undefined;

  get node(): Converter {
    this.nodeConverter ??= createConverter({ isJS: false, isBrowser: false });
    return this.nodeConverter;
  }

  /** Used by tslab only for cells marked `@browser`. */
  get browser(): Converter {
    this.browserConverter ??= createConverter({ isJS: false, isBrowser: true });
    return this.browserConverter;
  }

  close(): void {
    this.nodeConverter?.close();
    this.browserConverter?.close();
  }
}
