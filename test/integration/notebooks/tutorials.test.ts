import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { AGREEMENT_MIME_TYPE, ERROR_MIME_TYPE, WEIGHTS_MIME_TYPE, type AgreementPayload, type ErrorPayload } from "../../../kernel/src/display/payloads";
import { createJupyterSandbox, type JupyterSandbox } from "../../helpers/jupyter";
import { allOutputs, executeNotebook, failedCells, stdoutOf, type ExecutedNotebook } from "../../helpers/notebooks";

describe("notebooks/quantization-error.ipynb", () => {
  let sandbox: JupyterSandbox;
  let executed: ExecutedNotebook;
  before(async () => {
    sandbox = createJupyterSandbox("dnaquant-error-tutorial-");
    executed = await executeNotebook(sandbox, "quantization-error.ipynb");
  });
  after(() => sandbox?.remove());

  it("runs every cell without an error", () => {
    assert.deepEqual(failedCells(executed), []);
  });

  it("shows the error view with five schemes and SVG and text fallbacks", () => {
    const output = allOutputs(executed).find((entry) => entry.data?.[ERROR_MIME_TYPE]);
    assert.ok(output, "no error output");
    const payload = output.data![ERROR_MIME_TYPE] as ErrorPayload;
    assert.deepEqual(payload.schemes.map((scheme) => scheme.id), ["int8-row", "nf4-64", "nf4-64-dq", "fp4-64", "int4-32"]);
    assert.equal(payload.layers.length, 18);
    assert.ok(output.data!["image/svg+xml"], "SVG fallback");
    assert.ok(output.data!["text/plain"], "text fallback");
  });

  it("shows normalized weights with code levels", () => {
    const output = allOutputs(executed).find((entry) => entry.data?.[WEIGHTS_MIME_TYPE]);
    const payload = output!.data![WEIGHTS_MIME_TYPE] as { codeLevels?: { nf4: number[] }; layers: { normalized?: unknown }[] };
    assert.equal(payload.codeLevels?.nf4.length, 16);
    assert.ok(payload.layers.every((layer) => layer.normalized));
  });

  it("prints bits per weight of each scheme", () => {
    const bits = new Map([...stdoutOf(executed).matchAll(/^(\S+)\s+.*linear weights ([\d.]+) bits per weight/gm)].map((match) => [match[1], Number(match[2])]));
    assert.equal(bits.get("fp32"), 32);
    assert.ok(Math.abs(bits.get("nf4")! - 4.5) < 0.01, `nf4 ${bits.get("nf4")}`);
    assert.ok(bits.get("nf4+dq")! < 4.3, `nf4+dq ${bits.get("nf4+dq")}`);
    assert.ok(bits.get("int8")! < 8.5);
  });

  it("shows agreement for every scheme", () => {
    const output = allOutputs(executed).find((entry) => entry.data?.[AGREEMENT_MIME_TYPE]);
    const payload = output!.data![AGREEMENT_MIME_TYPE] as AgreementPayload;
    assert.deepEqual(payload.rows.map((row) => row.scheme), ["int8", "nf4", "nf4, double quant", "fp4", "int4"]);
    assert.ok(payload.rows.every((row) => row.meanCosine! > 0.98 && row.footprintBytes! > 0));
  });

  it("lists layers with activation outliers", () => {
    assert.match(stdoutOf(executed), /^\/layers\.3\/wo\/MatMul +\d+ of 512 features >= 6/m);
  });
});

describe("notebooks/taxonomy.ipynb", () => {
  let sandbox: JupyterSandbox;
  let executed: ExecutedNotebook;
  before(async () => {
    sandbox = createJupyterSandbox("dnaquant-taxonomy-tutorial-");
    executed = await executeNotebook(sandbox, "taxonomy.ipynb");
  });
  after(() => sandbox?.remove());

  it("runs every cell without an error", () => {
    assert.deepEqual(failedCells(executed), []);
  });

  it("reports accuracy for every scheme", () => {
    const stdout = stdoutOf(executed);
    assert.match(stdout, /^100 sequences; per label: 26 \/ 29 \/ 21 \/ 24$/m);
    const accuracy = new Map([...stdout.matchAll(/^(\w+)\s+accuracy (\d+)%\s+same label as fp32 (\d+)%/gm)].map((match) => [match[1], [Number(match[2]), Number(match[3])]]));
    assert.deepEqual([...accuracy.keys()], ["fp32", "int8", "nf4", "fp4", "int4"]);
    assert.equal(accuracy.get("fp32")![0], 35, "the model card's 35% on the first 510 bp");
    assert.equal(accuracy.get("fp32")![1], 100);
  });

  it("keeps the head in fp32 with skipModules", () => {
    assert.match(stdoutOf(executed), /^nf4 encoder, fp32 head: accuracy \d+%\s+same label as fp32 \d+%$/m);
  });

  it("measures the feature shift against the spread", () => {
    const match = /^INT8 shift \/ spread across sequences: median ([\d.]+), largest ([\d.]+)$/m.exec(stdoutOf(executed));
    assert.ok(match, "no shift line");
    assert.ok(Number(match[1]) > 0 && Number(match[2]) >= Number(match[1]));
  });
});
