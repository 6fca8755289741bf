/** Running a repository notebook headless with nbconvert and the dnaquant kernel, and reading its outputs. */

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

import { DEBIAN_PYTHON, type JupyterSandbox } from "./jupyter";
import { REPO_ROOT } from "./paths";

const run = promisify(execFile);

/** One output of a code cell, as nbformat stores it. */
export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** The parts of an executed notebook that the tests read. */
export interface ExecutedNotebook {
  cells: { cell_type: string; source: string | string[]; outputs?: NotebookOutput[] }[];
}

/** Joins nbformat's multi-line strings. */
export const joined = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join("") : (value ?? ""));

/** Per-cell timeout of the headless run, in seconds; the slowest tutorial cell takes under 30 s here. */
const CELL_TIMEOUT_SECONDS = 300;

/**
 * Executes `notebooks/<name>` with nbclient (through nbconvert) in the sandbox's Jupyter
 * environment, with notebooks/ as working folder, and returns the executed notebook. The
 * repository's file is not changed.
 */
export async function executeNotebook(sandbox: JupyterSandbox, name: string): Promise<ExecutedNotebook> {
  const output = path.join(sandbox.root, name.replace(/\.ipynb$/, ".executed.ipynb"));
  await run(
    DEBIAN_PYTHON,
    ["-m", "nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`, "--output", output, path.join(REPO_ROOT, "notebooks", name)],
    { env: sandbox.env, cwd: path.join(REPO_ROOT, "notebooks"), maxBuffer: 64 << 20 },
  );
  return JSON.parse(fs.readFileSync(output, "utf8")) as ExecutedNotebook;
}

/** Returns all outputs of the notebook's code cells, in order. */
export function allOutputs(notebook: ExecutedNotebook): NotebookOutput[] {
  return notebook.cells.flatMap((cell) => cell.outputs ?? []);
}

/** Returns everything the notebook printed to stdout. */
export function stdoutOf(notebook: ExecutedNotebook): string {
  return allOutputs(notebook)
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .map((output) => joined(output.text))
    .join("");
}

/** Returns the code cells that produced an error output, with the start of their source. */
export function failedCells(notebook: ExecutedNotebook): string[] {
  return notebook.cells
    .filter((cell) => cell.cell_type === "code" && (cell.outputs ?? []).some((output) => output.output_type === "error"))
    .map((cell) => joined(cell.source).slice(0, 80));
}
