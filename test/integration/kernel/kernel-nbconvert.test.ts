/**
 * Headless notebook execution with Debian's `jupyter nbconvert --execute` (nbclient) against
 * the real kernel, on notebooks generated in a temporary folder outside the repository.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { JUPYTER, SKIP_REASON, installKernel, makeScratchFolder, type InstalledKernel } from "./harness";

const WEIGHTS_MIME = "application/vnd.dnaquant.weights+json";

interface NotebookCell {
  cell_type: "code";
  source: string;
  metadata: Record<string, unknown>;
  outputs: Array<Record<string, unknown>>;
  execution_count: number | null;
}

function notebook(kernelName: string, sources: string[]): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: kernelName, display_name: "TypeScript (dnaquant)", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: sources.map((source, index) => ({
      id: `cell-${index}`,
      cell_type: "code",
      source,
      metadata: {},
      outputs: [],
      execution_count: null,
    })),
  };
}

function joinMultilineStrings(output: Record<string, unknown>): Record<string, unknown> {
  const joined: Record<string, unknown> = { ...output };
  if (Array.isArray(output.text)) {
    joined.text = output.text.join("");
  }
  if (typeof output.data === "object" && output.data !== null) {
    const data: Record<string, unknown> = {};
    for (const [mimeType, value] of Object.entries(output.data)) {
      // JSON MIME types hold JSON values, which nbformat stores as they are.
      data[mimeType] = Array.isArray(value) && !mimeType.endsWith("json") ? value.join("") : value;
    }
    joined.data = data;
  }
  return joined;
}

const CELLS = Object.freeze([
  'const greeting: string = "hello";\nconsole.log(greeting);',
  'import * as dq from "dnaquant";\nObject.keys(dq).length > 0',
  `(globalThis as any)[Symbol.for("dnaquant.display")]({ data: { "${WEIGHTS_MIME}": { version: 1, layers: [] }, "text/plain": "weights" } });`,
  'throw new Error("expected failure");',
  "greeting.toUpperCase()",
  'await new Promise((resolve) => setTimeout(resolve, 50));\n"awaited"',
]);

describe("nbconvert --execute", { skip: SKIP_REASON }, () => {
  let kernel: InstalledKernel;
  let folder = "";
  before(() => {
    kernel = installKernel("dnaquant-nbconvert");
    folder = makeScratchFolder("dnaquant-nbconvert-");
  });
  after(() => {
    kernel?.remove();
    rmSync(folder, { recursive: true, force: true });
  });

  function execute(name: string, sources: readonly string[], extraArgs: string[]) {
    writeFileSync(join(folder, `${name}.ipynb`), JSON.stringify(notebook(kernel.kernelName, [...sources])));
    const result = spawnSync(
      JUPYTER,
      [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        `--ExecutePreprocessor.kernel_name=${kernel.kernelName}`,
        "--ExecutePreprocessor.timeout=120",
        "--output",
        `${name}.out`,
        ...extraArgs,
        `${name}.ipynb`,
      ],
      { cwd: folder, env: kernel.env, encoding: "utf8", timeout: 240_000 },
    );
    return result;
  }

  /** Reads the executed notebook with multi-line strings, stored by nbformat as line lists, joined. */
  function readCells(name: string): NotebookCell[] {
    const cells = (JSON.parse(readFileSync(join(folder, `${name}.out.ipynb`), "utf8")) as { cells: NotebookCell[] }).cells;
    for (const cell of cells) {
      cell.outputs = cell.outputs.map(joinMultilineStrings);
    }
    return cells;
  }

  it("should run every cell with --allow-errors", () => {
    const result = execute("allow-errors", CELLS, ["--allow-errors"]);
    assert.equal(result.status, 0, result.stderr);
    const cells = readCells("allow-errors");

    assert.deepEqual(cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "hello\n" }]);
    assert.deepEqual(cells[1].outputs[0].data, { "text/plain": "true" });
    assert.deepEqual(cells[2].outputs, [
      { output_type: "display_data", data: { [WEIGHTS_MIME]: { version: 1, layers: [] }, "text/plain": "weights" }, metadata: {} },
    ]);
    assert.equal(cells[3].outputs[0].output_type, "error");
    assert.equal(cells[3].outputs[0].ename, "Error");
    assert.equal(cells[3].outputs[0].evalue, "expected failure");

    // The cells after the error run, in the same kernel, with the state of the earlier cells.
    assert.deepEqual(cells[4].outputs[0].data, { "text/plain": "'HELLO'" });
    assert.deepEqual(cells[5].outputs[0].data, { "text/plain": "'awaited'" });
    assert.deepEqual(
      cells.map((cell) => cell.execution_count),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it("should stop at the first error without --allow-errors", () => {
    const result = execute("stop-on-error", CELLS, []);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /CellExecutionError/);
    assert.match(result.stderr, /expected failure/);
  });
});
