import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  errorBundle,
  errorSvg,
  errorText,
  sortLayersByError,
} from "../../../kernel/src/display/error";
import { ERROR_MIME_TYPE, WEIGHTS_MIME_TYPE, type WeightsPayload } from "../../../kernel/src/display/payloads";
import { MAX_WEIGHT_SVG_PANELS, weightsPayloadBundle, weightsSvg } from "../../../kernel/src/display/weights";
import { checkXml } from "../../helpers/xml";
import { makeErrorLayer, makeErrorPayload, makeNormalizedWeightsPayload, makeWeightsPayload } from "../extension/fixtures";

/** Returns a weights payload with `count` copies of the fixture's first layer, named by index. */
function makeManyLayers(count: number): WeightsPayload {
  const payload = makeWeightsPayload();
  const [layer] = payload.layers;
  payload.layers = Array.from({ length: count }, (_, index) => ({ ...layer!, name: `/layers.${index}/Wqkv/MatMul` }));
  return payload;
}

describe("dnaquant display", () => {
  describe("errorBundle", () => {
    it("should carry the payload, an SVG and text", () => {
      const payload = makeErrorPayload();

      const { data } = errorBundle(payload);

      assert.deepEqual(Object.keys(data), [ERROR_MIME_TYPE, "image/svg+xml", "text/plain"]);
      assert.equal(data[ERROR_MIME_TYPE], payload);
      assert.equal(checkXml(data["image/svg+xml"] as string).root, "svg");
      assert.equal(data["text/plain"], errorText(payload));
    });

    it("should leave out the SVG without layers", () => {
      const { data } = errorBundle({ ...makeErrorPayload(), layers: [] });

      assert.deepEqual(Object.keys(data), [ERROR_MIME_TYPE, "text/plain"]);
    });

    it("should encode to JSON with infinite metrics", () => {
      const payload = makeErrorPayload();
      payload.layers[0]!.metrics["int8-row"] = { ...payload.layers[0]!.metrics["int8-row"]!, mse: 0, sqnrDb: Infinity, relativeMse: 0 };

      const decoded = JSON.parse(JSON.stringify(errorBundle(payload).data));

      assert.equal(decoded[ERROR_MIME_TYPE].layers[0].metrics["int8-row"].sqnrDb, null);
    });
  });

  describe("errorSvg", () => {
    it("should draw a bar per layer and scheme", () => {
      const summary = checkXml(errorSvg(makeErrorPayload()));

      // The background, 2 legend swatches and 3 layers × 2 schemes.
      assert.equal(summary.counts.get("rect"), 1 + 2 + 6);
    });

    it("should label rows with short layer names", () => {
      const texts = checkXml(errorSvg(makeErrorPayload())).texts.get("text")!;

      for (const label of ["Wqkv", "Wo", "mlp"]) {
        assert.ok(texts.includes(label), `no row label ${label} in ${JSON.stringify(texts)}`);
      }
    });

    it("should name full layer names in tooltips", () => {
      const titles = checkXml(errorSvg(makeErrorPayload())).texts.get("title")!;

      assert.ok(titles.includes("/layers.0/Wo/MatMul, NF4 (block 64): 20.4 dB"), JSON.stringify(titles));
    });

    it("should skip infinite and missing values", () => {
      const payload = makeErrorPayload();
      payload.layers[0]!.metrics["int8-row"]!.sqnrDb = null;
      payload.layers[1]!.metrics["int8-row"]!.sqnrDb = Infinity;
      delete payload.layers[2]!.metrics["nf4-64"];

      const summary = checkXml(errorSvg(payload));

      assert.equal(summary.counts.get("rect"), 1 + 2 + 3);
    });

    it("should escape the model name", () => {
      const svg = errorSvg({ ...makeErrorPayload(), model: "<model & co>" });

      assert.ok(checkXml(svg).texts.get("title")![0]!.includes("<model & co>"));
    });
  });

  describe("sortLayersByError", () => {
    it("should put the largest relative MSE first", () => {
      const names = sortLayersByError(makeErrorPayload(), "nf4-64").map((layer) => layer.name);

      assert.deepEqual(names, ["/layers.0/Wo/MatMul", "/layers.0/Wqkv/MatMul", "/layers.0/mlp/MatMul"]);
    });

    it("should rank infinite first and missing last", () => {
      const payload = makeErrorPayload();
      payload.layers.push(makeErrorLayer("/layers.1/Wqkv/MatMul", [null, 3], [1, 1]));
      delete payload.layers[1]!.metrics["int8-row"];

      const names = sortLayersByError(payload, "int8-row").map((layer) => layer.name);

      assert.deepEqual(names, ["/layers.1/Wqkv/MatMul", "/layers.0/Wqkv/MatMul", "/layers.0/mlp/MatMul", "/layers.0/Wo/MatMul"]);
    });

    it("should keep graph order for equal errors", () => {
      const payload = makeErrorPayload();
      for (const layer of payload.layers) {
        layer.metrics["nf4-64"]!.relativeMse = 0.01;
      }

      assert.deepEqual(sortLayersByError(payload, "nf4-64"), payload.layers);
    });
  });

  describe("errorText", () => {
    it("should list schemes and a sorted table per scheme", () => {
      const lines = errorText(makeErrorPayload()).split("\n");

      assert.equal(lines[0], "Quantization error of tiny-dna: 3 linear layers, 2 schemes");
      assert.equal(lines[1], "  INT8 per row: 8.25 bits per weight");
      assert.equal(lines[2], "  NF4 (block 64): 4.5 bits per weight");
      const nf4 = lines.indexOf("NF4 (block 64): layers by relative MSE, largest first");
      assert.ok(nf4 > 0, "no NF4 heading");
      assert.match(lines[nf4 + 1]!, /^layer\s+shape \[K, N\]\s+relative MSE\s+SQNR \(dB\)\s+max \|error\|\s+mean \|error\|$/);
      assert.match(lines[nf4 + 2]!, /^\/layers\.0\/Wo\/MatMul\s+\[128, 384\]\s+0\.00910\s+20\.4\s+0\.0100\s+0\.00100$/);
    });

    it("should write infinite values as ∞ and missing ones as -", () => {
      const payload = makeErrorPayload();
      payload.layers[0]!.metrics["int8-row"] = { mse: 0, relativeMse: 0, sqnrDb: Infinity, maxAbsError: 0, meanAbsError: 0 };
      payload.layers[1]!.metrics["int8-row"]!.sqnrDb = null;
      delete payload.layers[2]!.metrics["int8-row"];

      const text = errorText(payload);

      assert.match(text, /^\/layers\.0\/Wqkv\/MatMul\s+\[128, 384\]\s+0\s+∞\s+0\s+0$/m);
      assert.match(text, /^\/layers\.0\/Wo\/MatMul\s+\[128, 384\]\s+6\.00e-5\s+∞/m);
      assert.match(text, /^\/layers\.0\/mlp\/MatMul\s+\[128, 384\]\s+-\s+-\s+-\s+-$/m);
    });
  });

  describe("weightsPayloadBundle", () => {
    it("should carry the payload, an SVG and text", () => {
      const payload = makeNormalizedWeightsPayload();

      const { data } = weightsPayloadBundle(payload);

      assert.deepEqual(Object.keys(data), [WEIGHTS_MIME_TYPE, "image/svg+xml", "text/plain"]);
      assert.equal(data[WEIGHTS_MIME_TYPE], payload);
      assert.match(data["text/plain"] as string, /^Weight distributions of tiny-dna \(nf4\), 2 linear layers/);
    });

    it("should leave out the SVG without layers", () => {
      const { data } = weightsPayloadBundle({ ...makeWeightsPayload(), layers: [] });

      assert.deepEqual(Object.keys(data), [WEIGHTS_MIME_TYPE, "text/plain"]);
    });
  });

  describe("weightsSvg", () => {
    it("should draw a panel per layer", () => {
      const summary = checkXml(weightsSvg(makeWeightsPayload()));

      const texts = summary.texts.get("text")!;
      for (const title of ["Wqkv", "Wo"]) {
        assert.ok(texts.includes(title), `no panel title ${title} in ${JSON.stringify(texts)}`);
      }
      assert.ok(!texts.some((text) => text.startsWith("The first")), "a footnote without left-out layers");
    });

    it("should cap the panels and say so", () => {
      const count = MAX_WEIGHT_SVG_PANELS + 6;

      const texts = checkXml(weightsSvg(makeManyLayers(count))).texts.get("text")!;

      assert.ok(texts.includes(`layers.${MAX_WEIGHT_SVG_PANELS - 1}`));
      assert.ok(!texts.includes(`layers.${MAX_WEIGHT_SVG_PANELS}`));
      assert.ok(texts.includes(`The first ${MAX_WEIGHT_SVG_PANELS} of ${count} layers are drawn. The text output lists all of them.`));
    });

    it("should be deterministic", () => {
      assert.equal(weightsSvg(makeManyLayers(30)), weightsSvg(makeManyLayers(30)));
    });
  });
});
