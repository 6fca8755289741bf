import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { analyzeQuantizationError, loadModelAndTokenizer, type AnalysisSchemeInput } from "../../../kernel/src";
import { BUNDLED_MODEL } from "../../helpers/paths";
import { standardNormal } from "../../helpers/random";

describe("analyzeQuantizationError", () => {
  it("compares schemes on every bundled layer", async () => {
    const payload = await analyzeQuantizationError(BUNDLED_MODEL, { workers: 0 });
    assert.equal(payload.model, "tiny-dnabert2");
    assert.deepEqual(payload.schemes.map((scheme) => scheme.id), ["int8-row", "nf4-64", "fp4-64", "int4-32"]);
    assert.equal(payload.layers.length, 18);
    for (const layer of payload.layers) {
      const count = layer.shape[0]! * layer.shape[1]!;
      assert.ok(layer.metrics["int8-row"]!.sqnrDb! > layer.metrics["nf4-64"]!.sqnrDb! + 15, `${layer.name}: INT8 is not clearly better than NF4`);
      assert.ok(layer.metrics["nf4-64"]!.sqnrDb! > layer.metrics["fp4-64"]!.sqnrDb!, `${layer.name}: NF4 is not better than FP4 on normal-like weights`);
      for (const scheme of payload.schemes) {
        const total = layer.errorHistograms[scheme.id]!.counts.reduce((sum, value) => sum + value, 0);
        assert.equal(total, count, `${layer.name} ${scheme.id} error histogram counts`);
        const { relativeMse, sqnrDb } = layer.metrics[scheme.id]!;
        assert.ok(relativeMse !== null && relativeMse > 0 && Number.isFinite(sqnrDb));
      }
    }
  });

  it("gives the same result in worker threads", async () => {
    const schemes: AnalysisSchemeInput[] = ["int8", { kind: "nf4", doubleQuant: true }];
    const direct = await analyzeQuantizationError(BUNDLED_MODEL, { workers: 0, schemes });
    const threaded = await analyzeQuantizationError(BUNDLED_MODEL, { workers: 2, schemes });
    assert.deepEqual(threaded, direct);
  });

  it("reads a loaded model's file again", async () => {
    const { model } = await loadModelAndTokenizer(undefined, { loadIn4bit: true });
    const progress: number[] = [];
    const payload = await analyzeQuantizationError(model, { workers: 0, schemes: ["nf4"], onProgress: (done) => progress.push(done) });
    assert.equal(payload.layers.length, 18);
    assert.deepEqual(progress, Array.from({ length: 18 }, (_, i) => i + 1));
    await model.dispose();
  });

  it("accepts weight matrices", async () => {
    const values = standardNormal(64 * 256, 5);
    const payload = await analyzeQuantizationError([{ name: "w", values, rows: 64, cols: 256 }], { schemes: ["nf4", "fp4"] });
    assert.equal(payload.layers[0]!.shape.join("x"), "256x64");
    assert.ok(Math.abs(payload.layers[0]!.metrics["nf4-64"]!.relativeMse! / 8.46e-3 - 1) < 0.15);
  });

  it("names a missing source", async () => {
    await assert.rejects(analyzeQuantizationError("/nonexistent/model"), /Model directory not found: \/nonexistent\/model/);
    await assert.rejects(analyzeQuantizationError([{ name: "bad", values: new Float32Array(3), rows: 2, cols: 2 }]), /Weight 0 \(bad\) must have a Float32Array of rows \* cols values/);
  });
});
