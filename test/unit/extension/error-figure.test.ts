import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  BARS_PLOT_HEIGHT,
  buildErrorBarsFigure,
  buildErrorHistogramFigure,
  buildErrorHistogramTrace,
  ERROR_AXIS_TITLE,
} from "../../../extension/src/error/figure";
import {
  defaultSortScheme,
  describeErrorPayload,
  ERROR_METRIC_NAMES,
  ERROR_METRICS,
  formatMetric,
  readMetric,
  sortLayerIndices,
} from "../../../extension/src/error/metrics";
import { FALLBACK_PLOT_THEME, SERIES_COLORS } from "../../../extension/src/plotting/theme";
import { SERIES_COLORS as KERNEL_SERIES_COLORS } from "../../../kernel/src/display/svg/style";
import { makeErrorLayer, makeErrorPayload } from "./fixtures";

/** Layer names of the fixture in graph order, for readable expectations. */
const WQKV = 0;
const WO = 1;
const MLP = 2;

describe("dnaquant-jupyterlab", () => {
  describe("ERROR_METRICS", () => {
    it("should define every listed metric", () => {
      assert.deepEqual(ERROR_METRIC_NAMES, ["sqnrDb", "relativeMse"]);
      assert.equal(ERROR_METRICS.sqnrDb.axisType, "linear");
      assert.equal(ERROR_METRICS.relativeMse.axisType, "log");
    });
  });

  describe("readMetric", () => {
    it("should read null as infinite and a missing scheme as undefined", () => {
      const layer = makeErrorLayer("/x", [null, null], [0.01, 20]);
      delete (layer.metrics as Record<string, unknown>)["nf4-64"];

      assert.equal(readMetric(layer, "int8-row", "sqnrDb"), Infinity);
      assert.equal(readMetric(layer, "int8-row", "relativeMse"), Infinity);
      assert.equal(readMetric(layer, "nf4-64", "sqnrDb"), undefined);
      assert.equal(readMetric(layer, "toString", "sqnrDb"), undefined);
    });
  });

  describe("formatMetric", () => {
    it("should format each metric with its unit", () => {
      assert.equal(formatMetric(20.666, "sqnrDb"), "20.7 dB");
      assert.equal(formatMetric(0.0085, "relativeMse"), "0.0085");
      assert.equal(formatMetric(3e-5, "relativeMse"), "3.000e-5");
    });

    it("should mark infinite and missing values", () => {
      assert.equal(formatMetric(Infinity, "sqnrDb"), "∞");
      assert.equal(formatMetric(undefined, "relativeMse"), "–");
    });
  });

  describe("sortLayerIndices", () => {
    it("should rank by SQNR, lowest first, for most error first", () => {
      const order = sortLayerIndices(makeErrorPayload(), "sqnrDb", { schemeId: "nf4-64", direction: "worst-first" });

      assert.deepEqual(order, [WO, WQKV, MLP]);
    });

    it("should rank by relative MSE, highest first, for most error first", () => {
      const order = sortLayerIndices(makeErrorPayload(), "relativeMse", { schemeId: "int8-row", direction: "worst-first" });

      assert.deepEqual(order, [WO, WQKV, MLP]);
    });

    it("should reverse for least error first", () => {
      const order = sortLayerIndices(makeErrorPayload(), "sqnrDb", { schemeId: "nf4-64", direction: "best-first" });

      assert.deepEqual(order, [MLP, WQKV, WO]);
    });

    it("should keep graph order without a scheme", () => {
      const order = sortLayerIndices(makeErrorPayload(), "sqnrDb", { schemeId: null, direction: "best-first" });

      assert.deepEqual(order, [WQKV, WO, MLP]);
    });

    it("should put missing values last in both directions", () => {
      const payload = makeErrorPayload();
      delete (payload.layers[WQKV]!.metrics as Record<string, unknown>)["nf4-64"];

      for (const direction of ["worst-first", "best-first"] as const) {
        const order = sortLayerIndices(payload, "relativeMse", { schemeId: "nf4-64", direction });
        assert.equal(order[order.length - 1], WQKV, `${direction}: ${order}`);
      }
    });

    it("should rank an infinite SQNR as least error", () => {
      const payload = makeErrorPayload();
      payload.layers[WO]!.metrics["int8-row"]!.sqnrDb = null;

      const order = sortLayerIndices(payload, "sqnrDb", { schemeId: "int8-row", direction: "worst-first" });

      assert.deepEqual(order, [WQKV, MLP, WO]);
    });

    it("should keep graph order among equal values", () => {
      const payload = makeErrorPayload();
      for (const layer of payload.layers) {
        layer.metrics["nf4-64"]!.relativeMse = null;
      }

      const order = sortLayerIndices(payload, "relativeMse", { schemeId: "nf4-64", direction: "worst-first" });

      assert.deepEqual(order, [WQKV, WO, MLP]);
    });
  });

  describe("defaultSortScheme", () => {
    it("should pick the scheme with the fewest bits per weight", () => {
      assert.equal(defaultSortScheme(makeErrorPayload()), "nf4-64");
    });

    it("should return null without schemes", () => {
      assert.equal(defaultSortScheme({ ...makeErrorPayload(), schemes: [] }), null);
    });
  });

  describe("describeErrorPayload", () => {
    it("should name the model and count layers and schemes", () => {
      assert.equal(describeErrorPayload(makeErrorPayload()), "tiny-dna · 3 linear layers · 2 schemes");
    });
  });

  describe("SERIES_COLORS", () => {
    it("should match the kernel's SVG colors", () => {
      assert.deepEqual(SERIES_COLORS, KERNEL_SERIES_COLORS);
    });
  });

  describe("buildErrorBarsFigure", () => {
    it("should draw one bar trace per scheme", () => {
      const figure = buildErrorBarsFigure(makeErrorPayload(), { metric: "sqnrDb", selectedLayer: null, theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.data.map((trace) => trace.name), ["INT8 per row", "NF4 (block 64)"]);
      assert.deepEqual(figure.data.map((trace) => trace.type), ["bar", "bar"]);
      assert.deepEqual(figure.data.map((trace) => trace.marker?.color), SERIES_COLORS.slice(0, 2));
      assert.deepEqual(figure.data[1]!.x, [0, 1, 2]);
      assert.deepEqual(figure.data[1]!.y, [20.7, 20.4, 21]);
      assert.equal(figure.layout.barmode, "group");
      assert.equal(figure.layout.height, BARS_PLOT_HEIGHT);
    });

    it("should title and scale the axis by metric", () => {
      const payload = makeErrorPayload();

      const sqnr = buildErrorBarsFigure(payload, { metric: "sqnrDb", selectedLayer: null, theme: FALLBACK_PLOT_THEME });
      const relative = buildErrorBarsFigure(payload, { metric: "relativeMse", selectedLayer: null, theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(sqnr.layout.yaxis?.title, { text: "SQNR (dB), higher is better" });
      assert.equal(sqnr.layout.yaxis?.type, "linear");
      assert.deepEqual(relative.layout.yaxis?.title, { text: "Relative MSE, lower is better" });
      assert.equal(relative.layout.yaxis?.type, "log");
      assert.equal(relative.layout.yaxis?.dtick, 1);
      assert.deepEqual(relative.data[0]!.y, [3e-5, 6e-5, 2e-5]);
    });

    it("should leave out values a log axis cannot show", () => {
      const payload = makeErrorPayload();
      payload.layers[WQKV]!.metrics["int8-row"]!.relativeMse = 0;
      payload.layers[WO]!.metrics["int8-row"]!.relativeMse = null;
      delete (payload.layers[MLP]!.metrics as Record<string, unknown>)["int8-row"];

      const figure = buildErrorBarsFigure(payload, { metric: "relativeMse", selectedLayer: null, theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.data[0]!.y, [null, null, null]);
      assert.deepEqual((figure.data[0]!.customdata as string[][]).map((row) => row[1]), ["0", "∞", "–"]);
    });

    it("should label layers with short names and hover with full ones", () => {
      const figure = buildErrorBarsFigure(makeErrorPayload(), { metric: "sqnrDb", selectedLayer: null, theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.layout.xaxis?.ticktext, ["Wqkv", "Wo", "mlp"]);
      assert.deepEqual(figure.layout.xaxis?.tickvals, [0, 1, 2]);
      assert.deepEqual((figure.data[0]!.customdata as string[][])[1], ["/layers.0/Wo/MatMul", "42.0 dB"]);
    });

    it("should escape names for plotly.js", () => {
      const payload = makeErrorPayload();
      payload.layers[0]!.name = "<b>bold</b>";
      payload.schemes[0]!.label = "INT8 & more";

      const figure = buildErrorBarsFigure(payload, { metric: "sqnrDb", selectedLayer: null, theme: FALLBACK_PLOT_THEME });

      assert.equal((figure.data[0]!.customdata as string[][])[0]![0], "&lt;b&gt;bold&lt;/b&gt;");
      assert.equal(figure.data[0]!.name, "INT8 &amp; more");
      assert.match(String(figure.data[0]!.hovertemplate), /INT8 &amp; more: %\{customdata\[1\]\}/);
    });

    it("should mark the selected layer", () => {
      const figure = buildErrorBarsFigure(makeErrorPayload(), { metric: "sqnrDb", selectedLayer: WO, theme: FALLBACK_PLOT_THEME });

      assert.equal(figure.layout.shapes?.length, 1);
      assert.equal(figure.layout.shapes?.[0]?.x0, 0.5);
      assert.equal(figure.layout.shapes?.[0]?.x1, 1.5);
      assert.equal(figure.layout.shapes?.[0]?.fillcolor, FALLBACK_PLOT_THEME.gridColor);
    });

    it("should mark nothing for an index out of range", () => {
      const figure = buildErrorBarsFigure(makeErrorPayload(), { metric: "sqnrDb", selectedLayer: 7, theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.layout.shapes, []);
    });
  });

  describe("buildErrorHistogramFigure", () => {
    it("should draw one panel per scheme", () => {
      const figure = buildErrorHistogramFigure(makeErrorPayload(), {
        layerIndex: WO,
        logCounts: false,
        sharedErrorAxis: true,
        theme: FALLBACK_PLOT_THEME,
      });

      assert.deepEqual(figure.data.map((trace) => [trace.xaxis, trace.yaxis]), [["x", "y"], ["x2", "y2"]]);
      assert.deepEqual(figure.data[1]!.x, [-0.03, -0.01, 0.01, 0.03]);
      assert.deepEqual(figure.data[1]!.y, [1, 4, 4, 1]);
      assert.deepEqual(figure.layout.grid, { rows: 2, columns: 1, pattern: "independent", ygap: 0.35 });
      assert.deepEqual(figure.layout.annotations?.map((annotation) => [annotation.text, annotation.yref]), [
        ["<b>INT8 per row</b>", "y domain"],
        ["<b>NF4 (block 64)</b>", "y2 domain"],
      ]);
      assert.deepEqual((figure.layout.title as { text: string }).text, "Error histogram: /layers.0/Wo/MatMul");
    });

    it("should share the error axis on request", () => {
      const payload = makeErrorPayload();
      const options = { layerIndex: 0, logCounts: false, theme: FALLBACK_PLOT_THEME };

      const shared = buildErrorHistogramFigure(payload, { ...options, sharedErrorAxis: true });
      const separate = buildErrorHistogramFigure(payload, { ...options, sharedErrorAxis: false });

      assert.equal(shared.layout.xaxis2?.matches, "x");
      assert.equal(shared.layout.xaxis?.showticklabels, false);
      assert.deepEqual(shared.layout.xaxis2?.title, { text: ERROR_AXIS_TITLE });
      assert.equal(separate.layout.xaxis2?.matches, undefined);
      assert.equal(separate.layout.xaxis?.showticklabels, true);
    });

    it("should use log count axes on request", () => {
      const figure = buildErrorHistogramFigure(makeErrorPayload(), {
        layerIndex: 0,
        logCounts: true,
        sharedErrorAxis: true,
        theme: FALLBACK_PLOT_THEME,
      });

      assert.equal(figure.layout.yaxis?.type, "log");
      assert.equal(figure.layout.yaxis2?.type, "log");
    });

    it("should skip schemes without a histogram", () => {
      const payload = makeErrorPayload();
      delete (payload.layers[MLP]!.errorHistograms as Record<string, unknown>)["int8-row"];

      const figure = buildErrorHistogramFigure(payload, {
        layerIndex: MLP,
        logCounts: false,
        sharedErrorAxis: true,
        theme: FALLBACK_PLOT_THEME,
      });

      assert.deepEqual(figure.data.map((trace) => trace.name), ["NF4 (block 64)"]);
      // The panel keeps NF4's color from the scheme order.
      assert.equal(figure.data[0]!.marker?.color, SERIES_COLORS[1]);
    });

    it("should reject a layer index out of range", () => {
      assert.throws(
        () => buildErrorHistogramFigure(makeErrorPayload(), { layerIndex: 3, logCounts: false, sharedErrorAxis: true, theme: FALLBACK_PLOT_THEME }),
        (error: unknown) => error instanceof RangeError && /layerIndex must be an integer in \[0, 2\], but it is 3/.test(error.message),
      );
    });
  });

  describe("buildErrorHistogramTrace", () => {
    it("should give bin bounds and shares for hover", () => {
      const trace = buildErrorHistogramTrace({ edges: [-1, 0, 1], counts: [1, 3] }, "NF4", "#e69f00");

      assert.deepEqual(trace.customdata, [["-1", "0", "25.0%"], ["0", "1", "75.0%"]]);
      assert.deepEqual(trace.width, [1, 1]);
      assert.match(String(trace.hovertemplate), /^NF4<br>error %\{customdata\[0\]\} to/);
    });
  });
});
