import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildNormalizedFigure,
  CODE_LEVEL_NAMES,
  hasNormalizedView,
  int8GridLevels,
  MAX_INT8_GRID_LINES,
  NORMALIZED_AXIS_TITLE,
} from "../../../extension/src/weights/figure";
import { validateWeightsPayload } from "../../../extension/src/weights/payload";
import { FALLBACK_PLOT_THEME } from "../../../extension/src/plotting/theme";
import { cloneAsJson, FP4_LEVELS, makeNormalizedWeightsPayload, makeWeightsPayload, NF4_LEVELS } from "./fixtures";

const OPTIONS = { layerIndex: 0, logCounts: false, showFp4: false, theme: FALLBACK_PLOT_THEME };

/** Returns the x positions of the vertical lines in a level trace: every third entry is null. */
function linePositions(x: unknown): number[] {
  const values = x as Array<number | null>;
  return values.filter((_, index) => index % 3 === 0) as number[];
}

describe("dnaquant-jupyterlab", () => {
  describe("validateWeightsPayload", () => {
    it("should accept normalized histograms and code levels", () => {
      const payload = makeNormalizedWeightsPayload();

      assert.equal(validateWeightsPayload(payload), payload);
    });

    const invalidCases: { name: string; change: (payload: Record<string, any>) => void; errorType: typeof TypeError; expectedText: string }[] = [
      {
        name: "zero block size",
        change: (payload) => (payload.layers[0].normalized.blockSize = 0),
        errorType: RangeError,
        expectedText: "payload.layers[0].normalized.blockSize",
      },
      {
        name: "normalized histogram without counts",
        change: (payload) => delete payload.layers[0].normalized.histogram.counts,
        errorType: TypeError,
        expectedText: "payload.layers[0].normalized.histogram.counts",
      },
      {
        name: "NF4 level as a string",
        change: (payload) => (payload.codeLevels.nf4[3] = "0.1"),
        errorType: TypeError,
        expectedText: "payload.codeLevels.nf4[3]",
      },
      {
        name: "missing FP4 levels",
        change: (payload) => delete payload.codeLevels.fp4,
        errorType: TypeError,
        expectedText: "payload.codeLevels.fp4",
      },
      {
        name: "zero INT8 step",
        change: (payload) => (payload.codeLevels.int8Step = 0),
        errorType: RangeError,
        expectedText: "payload.codeLevels.int8Step must be in (0, 1]",
      },
    ];
    for (const { name, change, errorType, expectedText } of invalidCases) {
      it(`should reject ${name}`, () => {
        const payload = cloneAsJson(makeNormalizedWeightsPayload());
        change(payload);

        assert.throws(() => validateWeightsPayload(payload), (error: unknown) => {
          assert.ok(error instanceof errorType, `expected ${errorType.name}, got ${String(error)}`);
          assert.ok(error.message.includes(expectedText), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(expectedText)}`);
          return true;
        });
      });
    }
  });

  describe("hasNormalizedView", () => {
    it("should need the layer's histogram and the code levels", () => {
      const payload = makeNormalizedWeightsPayload();

      assert.equal(hasNormalizedView(payload, 0), true);
      assert.equal(hasNormalizedView(payload, 1), false);
      assert.equal(hasNormalizedView({ ...payload, codeLevels: undefined }, 0), false);
      assert.equal(hasNormalizedView(makeWeightsPayload(), 0), false);
    });
  });

  describe("int8GridLevels", () => {
    it("should give 255 levels for a step of 1/127", () => {
      const levels = int8GridLevels(1 / 127);

      assert.equal(levels.length, 255);
      assert.equal(levels[0], -1);
      assert.equal(levels[127], 0);
      assert.ok(Math.abs(levels[254]! - 1) < 1e-12, `last level ${levels[254]}`);
    });

    it("should give nothing above the line limit", () => {
      assert.deepEqual(int8GridLevels(1 / 2048), []);
      assert.equal(int8GridLevels(1 / 512).length, 1025);
      assert.ok(1025 <= MAX_INT8_GRID_LINES);
    });
  });

  describe("buildNormalizedFigure", () => {
    it("should draw the normalized bars, INT8 grid and NF4 levels", () => {
      const figure = buildNormalizedFigure(makeNormalizedWeightsPayload(), OPTIONS);

      assert.deepEqual(figure.data.map((trace) => trace.name), ["/layers.0/Wqkv/MatMul", CODE_LEVEL_NAMES.int8, CODE_LEVEL_NAMES.nf4]);
      const [bars, int8, nf4] = figure.data;
      assert.deepEqual(bars!.x, [-0.75, -0.25, 0.25, 0.75]);
      assert.deepEqual(bars!.y, [2, 3, 3, 2]);
      assert.equal(bars!.showlegend, false);
      assert.match(String(bars!.hovertemplate), /^normalized value /);
      assert.equal(linePositions(int8!.x).length, 255);
      assert.deepEqual(linePositions(nf4!.x), NF4_LEVELS);
      assert.equal(int8!.yaxis, "y2");
      assert.equal(nf4!.yaxis, "y2");
    });

    it("should draw the INT8 grid as short ticks and NF4 as full lines", () => {
      const [, int8, nf4] = buildNormalizedFigure(makeNormalizedWeightsPayload(), OPTIONS).data;

      assert.deepEqual((int8!.y as unknown[]).slice(0, 3), [0, 0.05, null]);
      assert.deepEqual((nf4!.y as unknown[]).slice(0, 3), [0, 1, null]);
      assert.equal(int8!.hoverinfo, "skip");
    });

    it("should add distinct FP4 levels on request", () => {
      const figure = buildNormalizedFigure(makeNormalizedWeightsPayload(), { ...OPTIONS, showFp4: true });

      const fp4 = figure.data[3]!;
      assert.equal(fp4.name, CODE_LEVEL_NAMES.fp4);
      // +0 and -0 are one level, so 15 of the 16 codes remain.
      const expected = [...new Set(FP4_LEVELS.map((level) => (level === 0 ? 0 : level)))].sort((a, b) => a - b);
      assert.deepEqual(linePositions(fp4.x), expected);
      assert.equal(expected.length, 15);
      assert.equal(fp4.line?.dash, "dash");
    });

    it("should lay out a [-1, 1] axis with a hidden level axis", () => {
      const { layout } = buildNormalizedFigure(makeNormalizedWeightsPayload(), { ...OPTIONS, logCounts: true });

      assert.deepEqual(layout.xaxis?.title, { text: NORMALIZED_AXIS_TITLE });
      assert.deepEqual(layout.xaxis?.range, [-1.02, 1.02]);
      assert.equal(layout.yaxis?.type, "log");
      assert.deepEqual(layout.yaxis2, { overlaying: "y", range: [0, 1], visible: false, fixedrange: true });
      assert.equal(layout.showlegend, true);
      assert.match(String((layout.title as { subtitle: { text: string } }).subtitle.text), /each block of 64 weights$/);
    });

    it("should reject a layer without a normalized histogram", () => {
      assert.throws(
        () => buildNormalizedFigure(makeNormalizedWeightsPayload(), { ...OPTIONS, layerIndex: 1 }),
        (error: unknown) => error instanceof RangeError && /lacks the layer's normalized histogram/.test(error.message),
      );
    });

    it("should reject a payload without code levels", () => {
      assert.throws(
        () => buildNormalizedFigure({ ...makeNormalizedWeightsPayload(), codeLevels: undefined }, OPTIONS),
        (error: unknown) => error instanceof RangeError && /lacks codeLevels/.test(error.message),
      );
    });
  });
});
