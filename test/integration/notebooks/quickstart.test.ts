import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { WEIGHTS_MIME_TYPE } from "../../../kernel/src/display/payloads";
import { createJupyterSandbox, type JupyterSandbox } from "../../helpers/jupyter";
import { executeNotebook, joined, stdoutOf, type ExecutedNotebook } from "../../helpers/notebooks";

/** Bounds the quickstart's printed results must meet. */
const MAX_LINEAR_RATIO = { int8: 0.3, nf4: 0.2 };
const INT8_MIN_MEAN_COSINE = 0.99;

describe("notebooks/quickstart.ipynb", () => {
  let sandbox: JupyterSandbox;
  let executed: ExecutedNotebook;
  let stdout: string;

  before(async () => {
    sandbox = createJupyterSandbox("dnaquant-quickstart-");
    executed = await executeNotebook(sandbox, "quickstart.ipynb");
    stdout = stdoutOf(executed);
  });

  after(() => sandbox?.remove());

  it("runs every cell without an error", () => {
    const codeCells = executed.cells.filter((cell) => cell.cell_type === "code");
    assert.ok(codeCells.length >= 5);
    for (const cell of codeCells) {
      const errors = (cell.outputs ?? []).filter((out) => out.output_type === "error");
      assert.deepEqual(errors, [], `cell failed: ${joined(cell.source).slice(0, 80)}`);
    }
  });

  it("shows the weight distributions with the custom MIME type", () => {
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    const weights = outputs.find((out) => out.output_type === "display_data" && out.data?.[WEIGHTS_MIME_TYPE]);
    assert.ok(weights, "no display_data with the weights MIME type");
    const payload = weights.data![WEIGHTS_MIME_TYPE] as { layers: unknown[]; scheme: string };
    assert.equal(typeof payload, "object", "the payload is stored as JSON, not a string");
    assert.equal(payload.scheme, "nf4");
    assert.equal(payload.layers.length, 18);
    assert.match(joined(weights.data!["text/plain"] as string | string[]), /^Weight distributions of tiny-dnabert2 \(nf4\)/);
  });

  it("prints 4-bit and 8-bit footprints within bounds", () => {
    const ratios = new Map([...stdout.matchAll(/^(\w+)\s+all weights.*\(([\d.]+)x of fp32\)/gm)].map((match) => [match[1], Number(match[2])]));
    assert.equal(ratios.get("fp32"), 1);
    assert.ok(ratios.get("int8")! < MAX_LINEAR_RATIO.int8, `int8 ratio ${ratios.get("int8")}`);
    assert.ok(ratios.get("nf4")! < MAX_LINEAR_RATIO.nf4, `nf4 ratio ${ratios.get("nf4")}`);
  });

  it("prints 8-bit embeddings close to fp32", () => {
    const match = /^int8: mean cosine to fp32 ([\d.]+)/m.exec(stdout);
    assert.ok(match, `no int8 cosine line in:\n${stdout}`);
    assert.ok(Number(match[1]) > INT8_MIN_MEAN_COSINE, `int8 mean cosine ${match[1]}`);
  });

  it("prints fill-mask predictions for each model", () => {
    for (const label of ["fp32", "int8", "nf4"]) {
      assert.match(stdout, new RegExp(`^${label}\\s+([ACGTN] 0\\.\\d{3}\\s*){4}$`, "m"), `${label} predictions`);
    }
  });
});
