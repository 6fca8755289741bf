import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { shortenLayerNames } from "../../../kernel/src/display/layer-names";
import {
  chooseTicks,
  escapeXml,
  formatNumber,
  formatTick,
  groupedBarSvg,
  histogramChartSvg,
  histogramGridSvg,
  niceDomain,
  svgElement,
  truncateStart,
} from "../../../kernel/src/display/svg";
import { shortenLayerNames as shortenLayerNamesInExtension } from "../../../extension/src/common/layer-names";
import { checkXml } from "../../helpers/xml";

/** Text with every character that XML escapes, and a control character that XML forbids. */
const HOSTILE_TEXT = `<script>alert("x" & 'y')</script>\u0007`;

/** A histogram of 4 bins over [-1, 1] with 10 values. */
const HISTOGRAM = { edges: [-1, -0.5, 0, 0.5, 1], counts: [1, 4, 3, 2] };

/** Returns the `d` attributes of every `<path>` in `svg`, or of those stroked in `stroke`. */
function pathData(svg: string, stroke?: string): string[] {
  return [...svg.matchAll(/<path d="([^"]*)"([^>]*)>/g)]
    .filter((match) => stroke === undefined || match[2]!.includes(`stroke="${stroke}"`))
    .map((match) => match[1]!);
}

describe("dnaquant display", () => {
  describe("escapeXml", () => {
    it("should escape the five XML special characters", () => {
      assert.equal(escapeXml(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    });

    it("should replace characters XML forbids", () => {
      assert.equal(escapeXml("a\u0000b\u001Fc\uFFFEd"), "a\uFFFDb\uFFFDc\uFFFDd");
      assert.equal(escapeXml("lone \uD800 surrogate"), "lone \uFFFD surrogate");
    });

    it("should keep tabs, line breaks and surrogate pairs", () => {
      assert.equal(escapeXml("a\tb\nc\rd 🧬"), "a\tb\nc\rd 🧬");
    });
  });

  describe("formatNumber", () => {
    it("should round to two decimals", () => {
      assert.equal(formatNumber(1.23456), "1.23");
      assert.equal(formatNumber(10), "10");
      assert.equal(formatNumber(-0.004), "0");
    });

    it("should reject non-finite values", () => {
      assert.throws(() => formatNumber(Number.NaN), RangeError);
      assert.throws(() => formatNumber(Infinity), RangeError);
    });
  });

  describe("svgElement", () => {
    it("should escape attribute values and skip undefined ones", () => {
      const markup = svgElement("text", { x: 1.005, "data-name": `"<&>"`, fill: undefined });

      assert.equal(markup, '<text x="1" data-name="&quot;&lt;&amp;&gt;&quot;"/>');
    });

    it("should insert children as markup", () => {
      assert.equal(svgElement("g", {}, ["<a/>", "<b/>"]), "<g><a/><b/></g>");
    });
  });

  describe("chooseTicks", () => {
    it("should use steps of 1, 2 or 5 times a power of ten", () => {
      assert.deepEqual(chooseTicks(0, 1, 5), { values: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 });
      assert.deepEqual(chooseTicks(-0.47, 0.36, 5), { values: [-0.4, -0.2, 0, 0.2], step: 0.2 });
      assert.deepEqual(chooseTicks(0, 4321, 4), { values: [0, 2000, 4000], step: 2000 });
    });

    it("should give exact decimal values", () => {
      const { values } = chooseTicks(0, 0.7, 7);

      assert.deepEqual(values, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    });

    it("should widen an interval of zero width", () => {
      assert.deepEqual(chooseTicks(0, 0, 2).values, [-1, 0, 1]);
      assert.ok(chooseTicks(5, 5, 4).values.includes(5));
    });

    it("should reject invalid intervals", () => {
      assert.throws(() => chooseTicks(1, 0), RangeError);
      assert.throws(() => chooseTicks(0, Infinity), RangeError);
    });
  });

  describe("niceDomain", () => {
    it("should widen the interval to round ticks", () => {
      const { domain, ticks } = niceDomain(0, 3271, 5);

      // Steps of 500 would need 7 intervals, so the step is 1000.
      assert.deepEqual(domain, [0, 4000]);
      assert.deepEqual(ticks.values, [0, 1000, 2000, 3000, 4000]);
    });
  });

  describe("formatTick", () => {
    it("should give enough decimals for the step", () => {
      assert.equal(formatTick(0.25, 0.05), "0.25");
      assert.equal(formatTick(-0.4, 0.2), "-0.4");
      assert.equal(formatTick(0, 0.2), "0");
    });

    it("should group thousands of whole numbers", () => {
      assert.equal(formatTick(12000, 2000), "12,000");
      assert.equal(formatTick(-1500000, 500000), "-1,500,000");
    });

    it("should use exponents for tiny steps", () => {
      assert.equal(formatTick(1.5e-5, 5e-6), "1.5e-5");
      assert.equal(formatTick(2e-5, 5e-6), "2e-5");
    });
  });

  describe("truncateStart", () => {
    it("should keep text that fits", () => {
      assert.equal(truncateStart("layers.0/Wqkv", 200, 10), "layers.0/Wqkv");
    });

    it("should cut the start of text that does not fit", () => {
      // 60 pixels at 10 px hold 10 characters of 6 px: the ellipsis and the last 9.
      assert.equal(truncateStart("encoder/layers.0/attention/Wqkv", 60, 10), "…tion/Wqkv");
    });
  });

  describe("histogramChartSvg", () => {
    it("should be well-formed SVG", () => {
      const svg = histogramChartSvg({ histogram: HISTOGRAM, title: "Layer" });

      const summary = checkXml(svg);
      assert.equal(summary.root, "svg");
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="320" viewBox="0 0 640 320"/);
    });

    it("should escape the title and subtitle", () => {
      const svg = histogramChartSvg({ histogram: HISTOGRAM, title: HOSTILE_TEXT, subtitle: HOSTILE_TEXT });

      const summary = checkXml(svg);
      assert.ok(!svg.includes("<script"), "the title became markup");
      assert.deepEqual(summary.texts.get("title"), [`<script>alert("x" & 'y')</script>\uFFFD`]);
      assert.equal(summary.texts.get("text")!.filter((text) => text.startsWith("<script>")).length, 2);
    });

    it("should be deterministic", () => {
      const options = { histogram: HISTOGRAM, title: "Layer", markers: [{ label: "NF4 levels", values: [-1, 0, 1], color: "#e69f00" }] };

      assert.equal(histogramChartSvg(options), histogramChartSvg(structuredClone(options)));
    });

    it("should draw one bar per non-empty bin", () => {
      const svg = histogramChartSvg({ histogram: { edges: [0, 1, 2, 3], counts: [2, 0, 5] }, title: "Layer" });

      const bars = pathData(svg).find((d) => d.endsWith("Z"))!;
      assert.equal(bars.match(/Z/g)!.length, 2);
    });

    it("should draw markers inside the axis only", () => {
      const svg = histogramChartSvg({
        histogram: HISTOGRAM,
        title: "Layer",
        markers: [{ label: "levels", values: [-2, -0.5, 0, 0.5, 2], color: "#123456", dash: "4 3" }],
      });

      // The legend's line sample comes first, then the lines over the plot.
      const [legendSample, lines] = pathData(svg, "#123456");
      assert.match(legendSample!, /^M[\d.]+ [\d.]+h18$/);
      assert.equal(lines!.match(/M/g)!.length, 3);
      assert.match(svg, /stroke="#123456" stroke-width="1" stroke-dasharray="4 3"/);
      assert.equal(checkXml(svg).texts.get("text")!.filter((text) => text === "levels").length, 1);
    });

    it("should draw short ticks for a small extent", () => {
      const svg = histogramChartSvg({
        histogram: HISTOGRAM,
        title: "Layer",
        height: 320,
        markers: [{ label: "grid", values: [0], color: "#654321", extent: 0.1 }],
      });

      const [, ticks] = pathData(svg, "#654321");
      const [, bottom, top] = ticks!.match(/^M[\d.]+ ([\d.]+)V([\d.]+)$/)!;
      // Plot height: 320 minus 52 of title and legend, 8 of padding and 48 for the value axis.
      const plotHeight = 320 - 52 - 8 - 48;
      assert.ok(Math.abs(Number(bottom) - Number(top) - 0.1 * plotHeight) < 0.02, `tick from ${bottom} to ${top}`);
    });

    it("should reject a malformed histogram", () => {
      assert.throws(() => histogramChartSvg({ histogram: { edges: [0, 1], counts: [1, 2] }, title: "x" }), RangeError);
      assert.throws(() => histogramChartSvg({ histogram: { edges: [0], counts: [] }, title: "x" }), RangeError);
    });
  });

  describe("histogramGridSvg", () => {
    const panels = Array.from({ length: 6 }, (_, index) => ({ title: `/layers.${index}/Wqkv`, histogram: HISTOGRAM }));

    it("should draw one group per panel in columns", () => {
      const svg = histogramGridSvg({ title: "Weights", panels, columns: 4, panelWidth: 100, panelHeight: 80 });

      const summary = checkXml(svg);
      assert.equal(summary.counts.get("g"), 6 + 6 * 2);
      // Width: 4 columns of 100 and 16 of margins. Height: 34 of title, 2 rows of 80, 8 below.
      assert.match(svg, /width="416" height="202"/);
    });

    it("should escape panel titles and the footnote", () => {
      const svg = histogramGridSvg({
        title: "Weights",
        footnote: HOSTILE_TEXT,
        panels: [{ title: "<&>", histogram: HISTOGRAM }],
      });

      const texts = checkXml(svg).texts.get("text")!;
      assert.ok(texts.includes("<&>"));
      assert.ok(texts.includes(`<script>alert("x" & 'y')</script>\uFFFD`));
    });
  });

  describe("groupedBarSvg", () => {
    const options = {
      title: "Error",
      categories: ["a", "b", "c"],
      series: [
        { label: "INT8", values: [40, 41, null] },
        { label: "NF4", values: [20, Infinity, 19] },
      ],
      valueTitle: "SQNR (dB)",
    };

    it("should draw a bar per finite value and a swatch per series", () => {
      const svg = groupedBarSvg(options);

      const summary = checkXml(svg);
      // The background, 2 legend swatches and 4 bars.
      assert.equal(summary.counts.get("rect"), 1 + 2 + 4);
      assert.deepEqual(summary.texts.get("title")!.slice(1), ["a, INT8: 40", "a, NF4: 20", "b, INT8: 41", "c, NF4: 19"]);
    });

    it("should grow with the number of categories", () => {
      const three = groupedBarSvg(options);
      const six = groupedBarSvg({
        ...options,
        categories: [...options.categories, "d", "e", "f"],
        series: options.series.map((series) => ({ ...series, values: [...series.values, 1, 2, 3] })),
      });

      const height = (svg: string) => Number(svg.match(/height="([\d.]+)"/)![1]);
      assert.equal(height(six) - height(three), 3 * (2 * 7 + 6));
    });

    it("should extend the axis below zero for negative values", () => {
      const svg = groupedBarSvg({ ...options, series: [{ label: "x", values: [-5, 10, 3] }] });

      assert.ok(checkXml(svg).texts.get("text")!.includes("-5"));
    });

    it("should escape labels", () => {
      const svg = groupedBarSvg({ ...options, title: HOSTILE_TEXT, categories: ["<a>", "&b", "'c'"] });

      const texts = checkXml(svg).texts.get("text")!;
      for (const label of ["<a>", "&b", "'c'"]) {
        assert.ok(texts.includes(label), `no label ${label} in ${JSON.stringify(texts)}`);
      }
    });

    it("should be deterministic", () => {
      assert.equal(groupedBarSvg(options), groupedBarSvg(structuredClone(options)));
    });

    it("should reject a series of the wrong length", () => {
      assert.throws(
        () => groupedBarSvg({ ...options, series: [{ label: "short", values: [1] }] }),
        (error: unknown) => error instanceof RangeError && /"short" has 1 values, but there are 3 categories/.test(error.message),
      );
    });
  });

  describe("shortenLayerNames", () => {
    const cases: { name: string; names: string[]; expected: string[] }[] = [
      {
        name: "shared prefix and suffix",
        names: ["/layers.0/Wqkv/MatMul", "/layers.1/Wo/MatMul"],
        expected: ["layers.0/Wqkv", "layers.1/Wo"],
      },
      {
        name: "deep shared prefix",
        names: ["/bert/encoder/layer.0/attention/MatMul", "/bert/encoder/layer.1/output/MatMul"],
        expected: ["layer.0/attention", "layer.1/output"],
      },
      {
        name: "a name that is only the suffix",
        names: ["/layers.0/wo/MatMul", "/head_dense/MatMul", "/MatMul"],
        expected: ["layers.0/wo", "head_dense", "MatMul"],
      },
      {
        name: "names without slashes",
        names: ["fc1", "fc2"],
        expected: ["fc1", "fc2"],
      },
      {
        name: "a single name",
        names: ["/layers.0/Wqkv/MatMul"],
        expected: ["/layers.0/Wqkv/MatMul"],
      },
      {
        name: "a name that is a prefix of another",
        names: ["/a/x/MatMul", "/a/x"],
        expected: ["MatMul", "x"],
      },
      {
        name: "duplicate names",
        names: ["/layers.0/MatMul", "/layers.0/MatMul"],
        expected: ["/layers.0/MatMul", "/layers.0/MatMul"],
      },
    ];

    for (const { name, names, expected } of cases) {
      it(`should shorten ${name}`, () => {
        assert.deepEqual(shortenLayerNames(names), expected);
      });

      it(`should match the extension for ${name}`, () => {
        assert.deepEqual(shortenLayerNamesInExtension(names), shortenLayerNames(names));
      });
    }
  });
});
