/**
 * Colors and fonts of a plot, taken from JupyterLab's theme CSS variables.
 *
 * This module uses no DOM API so that Node's test runner can import it. The renderer reads the
 * variables from the DOM and passes a reader function to {@link resolvePlotTheme}.
 */

import type { Layout } from "plotly.js-basic-dist-min";

/** Colors and fonts of a plot. Colors are CSS color strings. */
export interface PlotTheme {
  /** Font stack of titles, tick labels and hover labels. */
  fontFamily: string;
  /** Base font size, in pixels. */
  fontSize: number;
  /** Color of titles and hover text. */
  fontColor: string;
  /** Color of tick labels and subtitles. */
  mutedFontColor: string;
  /** Color of grid lines. */
  gridColor: string;
  /** Color of axis lines and the zero line. */
  lineColor: string;
  /** Fill color of histogram bars. */
  barColor: string;
  /** Background of hover labels. */
  hoverBackgroundColor: string;
}

/** JupyterLab 4 CSS variable that sets each field of {@link PlotTheme}. */
export const PLOT_THEME_VARIABLES: Readonly<Record<keyof PlotTheme, string>> = Object.freeze({
  fontFamily: "--jp-ui-font-family",
  fontSize: "--jp-ui-font-size1",
  fontColor: "--jp-ui-font-color1",
  mutedFontColor: "--jp-ui-font-color2",
  gridColor: "--jp-border-color2",
  lineColor: "--jp-border-color1",
  barColor: "--jp-brand-color1",
  hoverBackgroundColor: "--jp-layout-color1",
});

/**
 * Theme used for a variable that is not set, as outside JupyterLab. The colors are those of
 * JupyterLab 4's light theme.
 */
export const FALLBACK_PLOT_THEME: Readonly<PlotTheme> = Object.freeze({
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
  fontSize: 13,
  fontColor: "rgba(0, 0, 0, 0.87)",
  mutedFontColor: "rgba(0, 0, 0, 0.54)",
  gridColor: "#e0e0e0",
  lineColor: "#bdbdbd",
  barColor: "#1976d2",
  hoverBackgroundColor: "#ffffff",
});

/**
 * Builds a plot theme from CSS variables.
 *
 * @param readVariable - Returns the computed value of a CSS custom property, or an empty string
 * when it is not set, as `getComputedStyle(node).getPropertyValue` does.
 */
export function resolvePlotTheme(readVariable: (name: string) => string): PlotTheme {
  const read = (field: keyof PlotTheme): string => readVariable(PLOT_THEME_VARIABLES[field]).trim();

  // JupyterLab sets font sizes in pixels, so any other unit falls back to the default size.
  const fontSize = /^(\d+(?:\.\d+)?)px$/.exec(read("fontSize"));

  return {
    fontFamily: read("fontFamily") || FALLBACK_PLOT_THEME.fontFamily,
    fontSize: fontSize ? Number(fontSize[1]) : FALLBACK_PLOT_THEME.fontSize,
    fontColor: read("fontColor") || FALLBACK_PLOT_THEME.fontColor,
    mutedFontColor: read("mutedFontColor") || FALLBACK_PLOT_THEME.mutedFontColor,
    gridColor: read("gridColor") || FALLBACK_PLOT_THEME.gridColor,
    lineColor: read("lineColor") || FALLBACK_PLOT_THEME.lineColor,
    barColor: read("barColor") || FALLBACK_PLOT_THEME.barColor,
    hoverBackgroundColor: read("hoverBackgroundColor") || FALLBACK_PLOT_THEME.hoverBackgroundColor,
  };
}

/**
 * Builds the layout attributes that every dnaquant plot shares: fonts, colors and a transparent
 * background, so that the output area's background shows in light and dark themes.
 */
export function buildThemedLayout(theme: PlotTheme): Partial<Layout> {
  const axis = {
    color: theme.mutedFontColor,
    gridcolor: theme.gridColor,
    linecolor: theme.lineColor,
    zerolinecolor: theme.lineColor,
  };

  return {
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.fontColor },
    paper_bgcolor: "rgba(0, 0, 0, 0)",
    plot_bgcolor: "rgba(0, 0, 0, 0)",
    hoverlabel: {
      bgcolor: theme.hoverBackgroundColor,
      bordercolor: theme.lineColor,
      font: { family: theme.fontFamily, size: theme.fontSize, color: theme.fontColor },
    },
    xaxis: { ...axis },
    yaxis: { ...axis },
  };
}

/**
 * Colors of data series, such as quantization schemes, in order: the Okabe-Ito palette without
 * its yellow and black, which fade on light and dark backgrounds. The colors stay distinguishable
 * with the common color-vision deficiencies, and match the kernel's SVG charts.
 */
export const SERIES_COLORS: readonly string[] = Object.freeze([
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#999999",
]);

/** Returns the color of series `index`, repeating the palette when there are more series. */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length];
}
