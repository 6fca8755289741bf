import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { compareWithReference, klDivergence, loadModelAndTokenizer, type DnaModel } from "../../../kernel/src";
import { promoterSequences } from "../../helpers/dna-data";
import { TAXONOMY_MODEL } from "../../helpers/paths";

describe("compareWithReference", () => {
  let reference: DnaModel;
  before(async () => {
    reference = (await loadModelAndTokenizer(undefined, { warn: () => {} })).model;
  });
  after(() => reference.dispose());

  it("agrees perfectly with itself", async () => {
    const result = await compareWithReference(reference, reference, promoterSequences(4));
    assert.equal(result.embedding!.meanCosine > 0.999999, true);
    assert.equal(result.masked!.top1Agreement, 1);
    assert.ok(result.masked!.meanKl < 1e-12);
    assert.equal(result.masked!.positions, 4 * 45, "15% of 300 bases in each sequence");
    assert.deepEqual(result.warnings, []);
  });

  it("measures an NF4 model and warns below thresholds", async () => {
    const warnings: string[] = [];
    const { model } = await loadModelAndTokenizer(undefined, { loadIn4bit: true, warn: (message) => warnings.push(message) });
    const result = await compareWithReference(model, reference, promoterSequences(8), { thresholds: { minTop1Agreement: 0.999 } });
    assert.equal(result.scheme, "nf4");
    assert.ok(result.embedding!.meanCosine > 0.98 && result.embedding!.meanCosine < 1);
    assert.ok(result.masked!.top1Agreement > 0.5 && result.masked!.top1Agreement < 1);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /tiny-dnabert2 \(nf4\): top-1 agreement with fp32 is .*%, below 100%/);
    assert.deepEqual(warnings, result.warnings, "warnings go through the model's warn callback");
    await model.dispose();
  });

  it("labels schemes by their settings", async () => {
    const cases: [Parameters<typeof loadModelAndTokenizer>[1], string][] = [
      [{ loadIn4bit: true, doubleQuant: true }, "nf4, double quant"],
      [{ loadIn4bit: true, quantType: "int4", blockSize: 128 }, "int4, block 128"],
      [{ loadIn4bit: true, quantType: "int4" }, "int4"],
    ];
    for (const [options, label] of cases) {
      const { model } = await loadModelAndTokenizer(undefined, { ...options, warn: () => {} });
      assert.equal(model.schemeLabel, label);
      const result = await compareWithReference(model, reference, promoterSequences(2));
      assert.equal(result.scheme, label);
      await model.dispose();
    }
  });

  it("compares labels of a classifier", async () => {
    const fp32 = (await loadModelAndTokenizer(TAXONOMY_MODEL)).model;
    const int8 = (await loadModelAndTokenizer(TAXONOMY_MODEL, { loadIn8bit: true, warn: () => {} })).model;
    const result = await compareWithReference(int8, fp32, promoterSequences(6));
    assert.equal(result.masked, undefined);
    assert.equal(result.embedding, undefined, "the classifier has no last_hidden_state output");
    assert.ok(result.labels!.top1Agreement >= 0 && result.labels!.top1Agreement <= 1);
    assert.ok(result.labels!.meanKl >= 0);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  });

  it("computes KL divergence in nats", () => {
    assert.equal(klDivergence([0.5, 0.5], [0.5, 0.5]), 0);
    assert.ok(Math.abs(klDivergence([1, 0], [0.5, 0.5]) - Math.log(2)) < 1e-12);
  });
});
