/**
 * The parts of tslab 1.0 that the kernel builds on, loaded from the installed tslab package:
 * its cell compiler (converter), its executor, its quick-info printer, its display module and
 * the TypeScript build it compiles with.
 */
import { dirname } from "node:path";

import { createConverter, type Converter } from "tslab/dist/converter";
import { createExecutor, type ConsoleInterface, type ConverterSet, type Executor } from "tslab/dist/executor";
import { printQuickInfo } from "tslab/dist/inspect";

export { createConverter, createExecutor, printQuickInfo };
export type { ConsoleInterface, Converter, ConverterSet, Executor };

/** Folder of the installed tslab package. */
export const TSLAB_DIRECTORY = dirname(require.resolve("tslab/package.json"));

/** Name of the TypeScript build that tslab depends on and compiles cells with (5.0 for tslab 1.0.22). */
const TSLAB_TYPESCRIPT_PACKAGE = "@tslab/typescript-for-tslab";

/**
 * The file-system methods of TypeScript's `ts.sys` that the converter reads through.
 * Paths use forward slashes, as everywhere inside TypeScript.
 */
export interface TypeScriptSystem {
  readFile(path: string, encoding?: string): string | undefined;
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  getDirectories(path: string): string[];
  readDirectory(
    path: string,
    extensions?: readonly string[],
    exclude?: readonly string[],
    include?: readonly string[],
    depth?: number,
  ): string[];
  realpath?(path: string): string;
}

/** Parse diagnostic of a TypeScript source file. */
export interface ParseDiagnostic {
  /** UTF-16 offset where the problem starts. */
  start: number;
  /** Length of the problem in UTF-16 code units, 0 for missing input at the end. */
  length: number;
  messageText: string | { messageText: string };
}

/** The members of tslab's TypeScript module that the kernel uses. */
export interface TslabTypeScript {
  version: string;
  sys: TypeScriptSystem;
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
  createSourceFile(
    fileName: string,
    text: string,
    languageVersion: number,
    setParentNodes?: boolean,
    scriptKind?: number,
  ): { parseDiagnostics?: ParseDiagnostic[] };
}

/** The mutable export of tslab's jupyter module that `tslab.display` sends through. */
export interface TslabJupyterModule {
  lastWriteDisplayData: ((content: unknown, update: boolean) => void) | null;
}

/**
 * Returns the TypeScript module instance that tslab's converter uses, resolved from tslab's
 * folder so that patches of its `sys` object reach the converter.
 */
export function loadTslabTypeScript(): TslabTypeScript {
  const path = require.resolve(TSLAB_TYPESCRIPT_PACKAGE, { paths: [TSLAB_DIRECTORY] });
  return require(path) as TslabTypeScript;
}

/** Returns tslab's jupyter module, the one that `import * as tslab from "tslab"` displays through. */
export function loadTslabJupyterModule(): TslabJupyterModule {
  return require("tslab/dist/jupyter") as TslabJupyterModule;
}
