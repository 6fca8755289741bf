import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { AgreementPayload } from "dnaquant/payloads";

import {
  AGREEMENT_AXIS_TITLE,
  AGREEMENT_PLOT_HEIGHT,
  AGREEMENT_TRACE_NAMES,
  buildAgreementFigure,
  formatSchemeTick,
} from "../../../extension/src/agreement/figure";
import {
  AGREEMENT_COLUMNS,
  buildAgreementTable,
  describeAgreementPayload,
  describeComparedItems,
  formatCosine,
  listAgreementWarnings,
  MISSING_VALUE,
} from "../../../extension/src/agreement/table";
import { FALLBACK_PLOT_THEME, seriesColor } from "../../../extension/src/plotting/theme";
import { INT8_WARNING, makeAgreementPayload } from "./fixtures";

/** Returns a classifier's payload: labels but no embeddings, masked positions or footprint. */
function makeClassifierPayload(): AgreementPayload {
  return {
    version: 1,
    model: "taxonomy",
    rows: [{ scheme: "int8", sequences: 1, top1Agreement: 1, meanKl: 0, warnings: [] }],
  };
}

describe("dnaquant-jupyterlab", () => {
  describe("buildAgreementTable", () => {
    it("should have one cell per column", () => {
      const rows = buildAgreementTable(makeAgreementPayload());

      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.equal(row.cells.length, AGREEMENT_COLUMNS.length);
      }
    });

    it("should format every metric of a row", () => {
      const [int8] = buildAgreementTable(makeAgreementPayload());

      assert.deepEqual(
        int8.cells.map((cell) => cell.text),
        ["int8", "4 sequences, 180 masked positions", "0.99821", "0.99761", "80.6%", "0.008206", "1.07 MiB"],
      );
    });

    it("should give unrounded values as tooltips", () => {
      const [, nf4] = buildAgreementTable(makeAgreementPayload());

      assert.equal(nf4.cells[2].title, "0.9930985032502665");
      assert.equal(nf4.cells[4].title, "0.95");
      assert.equal(nf4.cells[6].title, "628,820 bytes");
      assert.equal(nf4.cells[0].title, undefined);
    });

    it("should keep each row's warnings and index", () => {
      const rows = buildAgreementTable(makeAgreementPayload());

      assert.deepEqual(rows[0].warnings, [INT8_WARNING]);
      assert.deepEqual(rows[1].warnings, []);
      assert.deepEqual(rows.map((row) => row.index), [0, 1]);
    });

    it("should mark metrics that were not measured", () => {
      const [row] = buildAgreementTable(makeClassifierPayload());

      assert.deepEqual(
        row.cells.map((cell) => cell.text),
        ["int8", "1 sequence", MISSING_VALUE, MISSING_VALUE, "100.0%", "0", MISSING_VALUE],
      );
    });

    it("should mark numeric columns only", () => {
      assert.deepEqual(
        AGREEMENT_COLUMNS.map((column) => column.numeric),
        [false, false, true, true, true, true, true],
      );
    });
  });

  describe("listAgreementWarnings", () => {
    it("should list warnings with their row", () => {
      const payload = makeAgreementPayload();
      payload.rows[1].warnings = ["first", "second"];

      assert.deepEqual(listAgreementWarnings(payload), [
        { scheme: "int8", rowIndex: 0, message: INT8_WARNING },
        { scheme: "nf4", rowIndex: 1, message: "first" },
        { scheme: "nf4", rowIndex: 1, message: "second" },
      ]);
    });

    it("should be empty when every row agrees", () => {
      assert.deepEqual(listAgreementWarnings(makeClassifierPayload()), []);
    });
  });

  describe("describeAgreementPayload", () => {
    it("should count schemes and warned rows", () => {
      assert.equal(
        describeAgreementPayload(makeAgreementPayload()),
        "tiny-dna · 2 schemes · 1 with warnings",
      );
    });

    it("should say when all rows are within the thresholds", () => {
      assert.equal(
        describeAgreementPayload(makeClassifierPayload()),
        "taxonomy · 1 scheme · all within the thresholds",
      );
    });
  });

  describe("describeComparedItems", () => {
    it("should use singular and plural", () => {
      assert.equal(
        describeComparedItems({ scheme: "nf4", sequences: 1, maskedPositions: 1, warnings: [] }),
        "1 sequence, 1 masked position",
      );
      assert.equal(
        describeComparedItems({ scheme: "nf4", sequences: 1200, maskedPositions: 54000, warnings: [] }),
        "1,200 sequences, 54,000 masked positions",
      );
    });
  });

  describe("formatCosine", () => {
    it("should keep five decimals", () => {
      assert.equal(formatCosine(0.9982051943545495), "0.99821");
      assert.equal(formatCosine(1), "1.00000");
      assert.equal(formatCosine(-0.25), "-0.25000");
    });
  });

  describe("buildAgreementFigure", () => {
    it("should draw one bar trace per metric", () => {
      const figure = buildAgreementFigure(makeAgreementPayload(), { theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(
        figure.data.map((trace) => [trace.type, trace.name]),
        AGREEMENT_TRACE_NAMES.map((name) => ["bar", name]),
      );
      assert.deepEqual(AGREEMENT_TRACE_NAMES, ["Top-1 agreement", "Mean embedding cosine"]);
    });

    it("should place schemes at integer positions", () => {
      const figure = buildAgreementFigure(makeAgreementPayload(), { theme: FALLBACK_PLOT_THEME });
      const [top1, cosine] = figure.data;

      assert.deepEqual(top1.x, [0, 1]);
      assert.deepEqual(top1.y, [0.8055555555555556, 0.95]);
      assert.deepEqual(cosine.y, [0.9982051943545495, 0.9930985032502665]);
      assert.deepEqual(figure.layout.xaxis?.tickvals, [0, 1]);
    });

    it("should label bars and hover text with formatted values", () => {
      const figure = buildAgreementFigure(makeAgreementPayload(), { theme: FALLBACK_PLOT_THEME });
      const [top1, cosine] = figure.data;

      assert.deepEqual(top1.text, ["80.6%", "95.0%"]);
      assert.deepEqual(cosine.text, ["0.99821", "0.99310"]);
      assert.deepEqual(top1.customdata, [
        ["int8", "80.6%"],
        ["nf4", "95.0%"],
      ]);
      assert.match(String(cosine.hovertemplate), /Mean embedding cosine: %\{customdata\[1\]\}/);
    });

    it("should leave out metrics that were not measured", () => {
      const figure = buildAgreementFigure(makeClassifierPayload(), { theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.data[0].y, [1]);
      assert.deepEqual(figure.data[1].y, [null]);
      assert.deepEqual(figure.data[1].text, [""]);
    });

    it("should mark schemes with warnings in the tick labels", () => {
      const figure = buildAgreementFigure(makeAgreementPayload(), { theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.layout.xaxis?.ticktext, ["<b>⚠ int8</b>", "nf4"]);
    });

    it("should keep two rows of the same scheme apart", () => {
      const payload = makeAgreementPayload();
      payload.rows[0].scheme = "nf4";

      const figure = buildAgreementFigure(payload, { theme: FALLBACK_PLOT_THEME });

      assert.deepEqual(figure.data[0].x, [0, 1]);
      assert.equal(figure.layout.xaxis?.ticktext?.length, 2);
    });

    it("should span [0, 1] unless a cosine is negative", () => {
      const payload = makeAgreementPayload();
      assert.deepEqual(buildAgreementFigure(payload, { theme: FALLBACK_PLOT_THEME }).layout.yaxis?.range, [0, 1]);

      payload.rows[1].minCosine = -0.9;
      payload.rows[1].meanCosine = -0.4;
      assert.deepEqual(buildAgreementFigure(payload, { theme: FALLBACK_PLOT_THEME }).layout.yaxis?.range, [-0.4, 1]);
    });

    it("should title the axis and use the theme", () => {
      const theme = { ...FALLBACK_PLOT_THEME, fontColor: "#eeeeee", mutedFontColor: "#aaaaaa" };

      const { layout } = buildAgreementFigure(makeAgreementPayload(), { theme });

      assert.deepEqual(layout.yaxis?.title, { text: AGREEMENT_AXIS_TITLE });
      assert.equal(layout.height, AGREEMENT_PLOT_HEIGHT);
      assert.equal(layout.font?.color, "#eeeeee");
      assert.equal(layout.paper_bgcolor, "rgba(0, 0, 0, 0)");
      assert.equal(layout.xaxis?.color, "#aaaaaa");
    });

    it("should color the two metrics differently", () => {
      const [top1, cosine] = buildAgreementFigure(makeAgreementPayload(), { theme: FALLBACK_PLOT_THEME }).data;

      assert.equal(top1.marker?.color, seriesColor(0));
      assert.equal(cosine.marker?.color, seriesColor(2));
    });

    it("should escape markup in scheme and model names", () => {
      const payload = makeAgreementPayload();
      payload.model = "<img src=x>";
      payload.rows[1].scheme = "<b>nf4</b>";

      const figure = buildAgreementFigure(payload, { theme: FALLBACK_PLOT_THEME });

      assert.equal(figure.layout.xaxis?.ticktext?.[1], "&lt;b&gt;nf4&lt;/b&gt;");
      assert.deepEqual(figure.data[0].customdata?.[1], ["&lt;b&gt;nf4&lt;/b&gt;", "95.0%"]);
      const title = figure.layout.title as { subtitle: { text: string } };
      assert.ok(!title.subtitle.text.includes("<img"), title.subtitle.text);
    });
  });

  describe("formatSchemeTick", () => {
    it("should leave a scheme without warnings plain", () => {
      assert.equal(formatSchemeTick({ scheme: "fp4", sequences: 1, warnings: [] }), "fp4");
    });
  });
});
