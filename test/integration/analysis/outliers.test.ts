import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { analyzeActivationOutliers } from "../../../kernel/src";
import { promoterSequences } from "../../helpers/dna-data";
import { BUNDLED_MODEL } from "../../helpers/paths";

describe("analyzeActivationOutliers", () => {
  it("counts features at the threshold on real DNA", async () => {
    const sequences = promoterSequences(8);
    const report = await analyzeActivationOutliers(BUNDLED_MODEL, sequences);
    assert.equal(report.threshold, 6);
    assert.equal(report.tokens, 8 * 302, "300 bases plus [CLS] and [SEP] per sequence");
    assert.equal(report.layers.length, 18);
    for (const layer of report.layers) {
      assert.equal(layer.outlierFeatures, layer.outlierFeatureIndices.length);
      assert.equal(layer.outlierFeatures > 0, layer.maxAbsActivation >= 6, `${layer.name}: max ${layer.maxAbsActivation}`);
      assert.ok(layer.tokensWithOutliers <= report.tokens);
    }
  });

  it("finds more outliers at a lower threshold", async () => {
    const sequences = promoterSequences(4);
    const strict = await analyzeActivationOutliers(BUNDLED_MODEL, sequences, { int8Threshold: 6 });
    const loose = await analyzeActivationOutliers(BUNDLED_MODEL, sequences, { int8Threshold: 2 });
    const total = (report: typeof strict) => report.layers.reduce((sum, layer) => sum + layer.outlierFeatures, 0);
    assert.ok(total(loose) > total(strict), `${total(loose)} <= ${total(strict)}`);
  });

  it("rejects a non-positive threshold", async () => {
    await assert.rejects(analyzeActivationOutliers(BUNDLED_MODEL, ["ACGT"], { int8Threshold: 0 }), /int8Threshold must be a positive number, got 0/);
  });
});
