import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { FALLBACK_PLOT_THEME, type PlotTheme } from "../../../extension/src/plotting/theme";
import {
  buildHistogramTrace,
  buildWeightsFigure,
  COUNT_AXIS_TITLE,
  describeWeightsPayload,
  summarizeLayer,
  VALUE_AXIS_TITLE,
} from "../../../extension/src/weights/figure";
import { makeLayer, makeWeightsPayload } from "./fixtures";

/** A dark theme with distinct colors, so that each assertion can tell which field it got. */
const DARK_THEME: PlotTheme = {
  fontFamily: "Inter, sans-serif",
  fontSize: 14,
  fontColor: "rgba(255, 255, 255, 0.87)",
  mutedFontColor: "rgba(255, 255, 255, 0.54)",
  gridColor: "#424242",
  lineColor: "#616161",
  barColor: "#2196f3",
  hoverBackgroundColor: "#212121",
};

describe("dnaquant-jupyterlab", () => {
  describe("buildHistogramTrace", () => {
    it("should place bars at bin centers", () => {
      const layer = makeWeightsPayload().layers[0];

      const trace = buildHistogramTrace(layer, FALLBACK_PLOT_THEME);

      assert.equal(trace.type, "bar");
      assert.deepEqual(trace.x, [-0.375, -0.125, 0.125, 0.375]);
      assert.deepEqual(trace.width, [0.25, 0.25, 0.25, 0.25]);
      assert.deepEqual(trace.y, [1, 4, 3, 2]);
    });

    it("should use each bin's own width", () => {
      const layer = makeLayer({ histogram: { edges: [-2, -1, 0, 4], counts: [1, 2, 3] } });

      const trace = buildHistogramTrace(layer, FALLBACK_PLOT_THEME);

      assert.deepEqual(trace.x, [-1.5, -0.5, 2]);
      assert.deepEqual(trace.width, [1, 1, 4]);
    });

    it("should give bin bounds and shares for hover", () => {
      const layer = makeWeightsPayload().layers[0];

      const trace = buildHistogramTrace(layer, FALLBACK_PLOT_THEME);

      assert.deepEqual(trace.customdata, [
        ["-0.5", "-0.25", "10.0%"],
        ["-0.25", "0", "40.0%"],
        ["0", "0.25", "30.0%"],
        ["0.25", "0.5", "20.0%"],
      ]);
      assert.match(String(trace.hovertemplate), /%\{customdata\[0\]\} to %\{customdata\[1\]\}/);
      assert.match(String(trace.hovertemplate), /<extra><\/extra>$/);
    });

    it("should give 0% shares for an all-zero histogram", () => {
      const layer = makeLayer({ histogram: { edges: [0, 1, 2], counts: [0, 0] } });

      const trace = buildHistogramTrace(layer, FALLBACK_PLOT_THEME);

      assert.deepEqual(
        (trace.customdata as string[][]).map((row) => row[2]),
        ["0.0%", "0.0%"],
      );
    });

    it("should color bars from the theme", () => {
      const trace = buildHistogramTrace(makeLayer(), DARK_THEME);

      assert.equal(trace.marker?.color, DARK_THEME.barColor);
    });
  });

  describe("buildWeightsFigure", () => {
    it("should draw the selected layer", () => {
      const payload = makeWeightsPayload();

      const figure = buildWeightsFigure(payload, {
        layerIndex: 1,
        logCounts: false,
        theme: FALLBACK_PLOT_THEME,
      });

      assert.equal(figure.data.length, 1);
      assert.deepEqual(figure.data[0].y, [5, 5]);
      assert.equal(figure.layout.title?.text, "/layers.0/Wo/MatMul");
    });

    it("should title both axes", () => {
      const figure = buildWeightsFigure(makeWeightsPayload(), {
        layerIndex: 0,
        logCounts: false,
        theme: FALLBACK_PLOT_THEME,
      });

      assert.deepEqual(figure.layout.xaxis?.title, { text: VALUE_AXIS_TITLE });
      assert.deepEqual(figure.layout.yaxis?.title, { text: COUNT_AXIS_TITLE });
      assert.equal(VALUE_AXIS_TITLE, "Weight value");
      assert.equal(COUNT_AXIS_TITLE, "Count");
    });

    it("should name model, scheme and shape in the subtitle", () => {
      const figure = buildWeightsFigure(makeWeightsPayload(), {
        layerIndex: 1,
        logCounts: false,
        theme: FALLBACK_PLOT_THEME,
      });

      const subtitle = figure.layout.title?.subtitle;
      assert.ok(typeof subtitle === "object", `subtitle is ${JSON.stringify(subtitle)}`);
      assert.equal(subtitle.text, "tiny-dna · fp32 · 768 × 768");
    });

    it("should switch the count axis to log", () => {
      const options = { layerIndex: 0, theme: FALLBACK_PLOT_THEME };
      const payload = makeWeightsPayload();

      const linear = buildWeightsFigure(payload, { ...options, logCounts: false });
      const log = buildWeightsFigure(payload, { ...options, logCounts: true });

      assert.equal(linear.layout.yaxis?.type, "linear");
      assert.equal(log.layout.yaxis?.type, "log");
    });

    it("should apply theme colors to text and axes", () => {
      const figure = buildWeightsFigure(makeWeightsPayload(), {
        layerIndex: 0,
        logCounts: false,
        theme: DARK_THEME,
      });

      assert.equal(figure.layout.font?.color, DARK_THEME.fontColor);
      assert.equal(figure.layout.font?.family, DARK_THEME.fontFamily);
      assert.equal(figure.layout.xaxis?.gridcolor, DARK_THEME.gridColor);
      assert.equal(figure.layout.yaxis?.linecolor, DARK_THEME.lineColor);
      assert.equal(figure.layout.paper_bgcolor, "rgba(0, 0, 0, 0)");
      assert.equal(figure.layout.plot_bgcolor, "rgba(0, 0, 0, 0)");
    });

    it("should escape markup in payload strings", () => {
      const payload = makeWeightsPayload();
      payload.model = "<img src=x onerror=alert(1)>";
      payload.layers[0].name = "<b>q</b> & k";

      const figure = buildWeightsFigure(payload, {
        layerIndex: 0,
        logCounts: false,
        theme: FALLBACK_PLOT_THEME,
      });

      const subtitle = figure.layout.title?.subtitle;
      assert.equal(figure.layout.title?.text, "&lt;b&gt;q&lt;/b&gt; &amp; k");
      assert.equal(figure.data[0].name, "&lt;b&gt;q&lt;/b&gt; &amp; k");
      assert.ok(typeof subtitle === "object");
      assert.ok(!String(subtitle.text).includes("<"), `subtitle is ${subtitle.text}`);
    });

    for (const layerIndex of [-1, 2, 0.5, Number.NaN]) {
      it(`should reject layer index ${layerIndex}`, () => {
        assert.throws(
          () =>
            buildWeightsFigure(makeWeightsPayload(), {
              layerIndex,
              logCounts: false,
              theme: FALLBACK_PLOT_THEME,
            }),
          (error: unknown) => {
            assert.ok(error instanceof RangeError, `expected RangeError, got ${String(error)}`);
            assert.match(error.message, /layerIndex must be an integer in \[0, 1\]/);
            return true;
          },
        );
      });
    }
  });

  describe("summarizeLayer", () => {
    it("should list statistics in display order", () => {
      const rows = summarizeLayer(makeWeightsPayload().layers[0]);

      assert.deepEqual(rows, [
        { label: "Layer", value: "/layers.0/Wqkv/MatMul" },
        { label: "Weight tensor", value: "layers.0.Wqkv.weight" },
        { label: "Shape", value: "768 × 2304 (inputs × outputs)" },
        { label: "Scheme", value: "nf4" },
        { label: "Elements", value: "1,769,472" },
        { label: "Minimum", value: "-0.4922" },
        { label: "Maximum", value: "0.4688" },
        { label: "Mean", value: "1.000e-4" },
        { label: "Standard deviation", value: "0.03125" },
      ]);
    });

    it("should not label other shapes as inputs by outputs", () => {
      const rows = summarizeLayer(makeLayer({ shape: [3, 768, 768] }));

      assert.deepEqual(rows.find((row) => row.label === "Shape"), {
        label: "Shape",
        value: "3 × 768 × 768",
      });
    });
  });

  describe("describeWeightsPayload", () => {
    it("should name model, scheme and layer count", () => {
      assert.equal(describeWeightsPayload(makeWeightsPayload()), "tiny-dna · nf4 · 2 linear weights");
    });

    it("should use the singular for one layer", () => {
      const payload = makeWeightsPayload();
      payload.layers = payload.layers.slice(0, 1);

      assert.equal(describeWeightsPayload(payload), "tiny-dna · nf4 · 1 linear weight");
    });
  });
});
