import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  escapePlotlyText,
  formatBytes,
  formatCount,
  formatPercent,
  formatShape,
  formatValue,
} from "../../../extension/src/common/format";
import {
  buildThemedLayout,
  FALLBACK_PLOT_THEME,
  PLOT_THEME_VARIABLES,
  resolvePlotTheme,
} from "../../../extension/src/plotting/theme";

/** Computed values of JupyterLab 4's dark theme variables, with the whitespace browsers keep. */
const DARK_THEME_VARIABLES: Record<string, string> = {
  "--jp-ui-font-family": " system-ui, sans-serif",
  "--jp-ui-font-size1": " 13px",
  "--jp-ui-font-color1": " rgba(255, 255, 255, 0.87)",
  "--jp-ui-font-color2": " rgba(255, 255, 255, 0.54)",
  "--jp-border-color2": " #424242",
  "--jp-border-color1": " #616161",
  "--jp-brand-color1": " #2196f3",
  "--jp-layout-color1": " #212121",
};

describe("dnaquant-jupyterlab", () => {
  describe("formatValue", () => {
    const cases: Array<[number, string]> = [
      [0, "0"],
      [0.5, "0.5"],
      [-0.03125, "-0.03125"],
      [1234.5678, "1235"],
      [0.001, "0.001"],
      [0.0001, "1.000e-4"],
      [-0.00012346, "-1.235e-4"],
      [123456, "1.235e+5"],
    ];
    for (const [value, expected] of cases) {
      it(`should format ${value} as ${expected}`, () => {
        assert.equal(formatValue(value), expected);
      });
    }
  });

  describe("formatCount", () => {
    it("should group thousands", () => {
      assert.equal(formatCount(2_359_296), "2,359,296");
      assert.equal(formatCount(12), "12");
    });
  });

  describe("formatBytes", () => {
    const cases: Array<[number, string]> = [
      [0, "0 B"],
      [1023, "1023 B"],
      [1024, "1.00 KiB"],
      [628_820, "614.08 KiB"],
      [1_122_476, "1.07 MiB"],
      [3 * 1024 ** 3, "3.00 GiB"],
      [2 * 1024 ** 5, "2048.00 TiB"],
    ];
    for (const [bytes, expected] of cases) {
      it(`should format ${bytes} as ${expected}`, () => {
        assert.equal(formatBytes(bytes), expected);
      });
    }
  });

  describe("formatPercent", () => {
    it("should keep one decimal", () => {
      assert.equal(formatPercent(0.125), "12.5%");
      assert.equal(formatPercent(1), "100.0%");
    });
  });

  describe("formatShape", () => {
    it("should join dimensions", () => {
      assert.equal(formatShape([768, 3072]), "768 × 3072");
      assert.equal(formatShape([]), "scalar");
    });
  });

  describe("escapePlotlyText", () => {
    it("should escape markup characters", () => {
      assert.equal(
        escapePlotlyText('<a href="javascript:x">a & b</a>'),
        '&lt;a href="javascript:x"&gt;a &amp; b&lt;/a&gt;',
      );
    });

    it("should escape an ampersand before others", () => {
      assert.equal(escapePlotlyText("&lt;"), "&amp;lt;");
    });
  });

  describe("resolvePlotTheme", () => {
    it("should read trimmed variable values", () => {
      const theme = resolvePlotTheme((name) => DARK_THEME_VARIABLES[name] ?? "");

      assert.deepEqual(theme, {
        fontFamily: "system-ui, sans-serif",
        fontSize: 13,
        fontColor: "rgba(255, 255, 255, 0.87)",
        mutedFontColor: "rgba(255, 255, 255, 0.54)",
        gridColor: "#424242",
        lineColor: "#616161",
        barColor: "#2196f3",
        hoverBackgroundColor: "#212121",
      });
    });

    it("should fall back when variables are unset", () => {
      assert.deepEqual(resolvePlotTheme(() => ""), FALLBACK_PLOT_THEME);
    });

    it("should fall back for a font size not in pixels", () => {
      const theme = resolvePlotTheme((name) =>
        name === PLOT_THEME_VARIABLES.fontSize ? "1.2em" : "",
      );

      assert.equal(theme.fontSize, FALLBACK_PLOT_THEME.fontSize);
    });

    it("should read fractional pixel sizes", () => {
      const theme = resolvePlotTheme((name) =>
        name === PLOT_THEME_VARIABLES.fontSize ? "12.5px" : "",
      );

      assert.equal(theme.fontSize, 12.5);
    });
  });

  describe("buildThemedLayout", () => {
    it("should keep the background transparent", () => {
      const layout = buildThemedLayout(FALLBACK_PLOT_THEME);

      assert.equal(layout.paper_bgcolor, "rgba(0, 0, 0, 0)");
      assert.equal(layout.plot_bgcolor, "rgba(0, 0, 0, 0)");
    });

    it("should color hover labels from the theme", () => {
      const layout = buildThemedLayout({ ...FALLBACK_PLOT_THEME, hoverBackgroundColor: "#212121" });

      assert.equal(layout.hoverlabel?.bgcolor, "#212121");
      assert.equal(layout.hoverlabel?.font?.color, FALLBACK_PLOT_THEME.fontColor);
    });
  });
});
