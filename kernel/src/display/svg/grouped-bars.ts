/**
 * Grouped bar charts as SVG: one row per category (such as a layer) with one horizontal bar per
 * series (such as a quantization scheme), and a legend of the series.
 */

import { drawHorizontalAxis, type Box } from "./axes";
import { formatNumber as fmt, svgDocument, svgElement, svgText, svgTitle } from "./markup";
import { linearScale, niceDomain } from "./scale";
import {
  estimateTextWidth,
  seriesColor,
  SVG_COLORS,
  SVG_FONT_FAMILY,
  SVG_FONT_SIZE,
  SVG_TITLE_FONT_SIZE,
  truncateStart,
} from "./style";

/** One series: a value per category. */
export interface BarSeries {
  /** Legend label, such as `NF4 (block 64)`. */
  label: string;
  /** One value per category, in category order. `null` or a non-finite value draws no bar. */
  values: readonly (number | null)[];
  /** Bar color (default: the series' color from SERIES_COLORS). */
  color?: string;
}

/** Options of {@link groupedBarSvg}. */
export interface GroupedBarChartOptions {
  title: string;
  /** Second line under the title. */
  subtitle?: string;
  /** Row labels, top to bottom. Labels wider than the label column are cut at their start. */
  categories: readonly string[];
  /** Full names of the categories for bar tooltips (default: `categories`). */
  categoryTooltips?: readonly string[];
  series: readonly BarSeries[];
  /** Title of the value axis, with its unit, such as `SQNR (dB)`. */
  valueTitle: string;
  /** Formats a value for bar tooltips (default: 4 significant digits). */
  formatValue?: (value: number) => string;
  /** Width in pixels (default 720). */
  width?: number;
}

/** Thickness of one bar in pixels. */
const BAR_THICKNESS = 7;

/** Space between two rows of bars in pixels. */
const ROW_GAP = 6;

/**
 * Draws a grouped horizontal bar chart as a standalone SVG document. The value axis starts at 0,
 * or below it when a value is negative. The height grows with the number of categories.
 *
 * @throws RangeError when a series does not have one value per category.
 */
export function groupedBarSvg(options: GroupedBarChartOptions): string {
  const { title, subtitle, categories, series, valueTitle, width = 720 } = options;
  const tooltips = options.categoryTooltips ?? categories;
  const formatValue = options.formatValue ?? ((value: number) => String(Number(value.toPrecision(4))));
  series.forEach((entry) => {
    if (entry.values.length !== categories.length) {
      throw new RangeError(
        `Series ${JSON.stringify(entry.label)} has ${entry.values.length} values, but there are ${categories.length} categories.`,
      );
    }
  });

  // Header: title, subtitle and the legend of series.
  const parts: string[] = [svgText(title, { x: 12, y: 22, "font-size": SVG_TITLE_FONT_SIZE, "font-weight": "bold", fill: SVG_COLORS.text })];
  let top = 32;
  if (subtitle) {
    parts.push(svgText(subtitle, { x: 12, y: 40, fill: SVG_COLORS.mutedText }));
    top = 50;
  }
  const legend = drawSwatchLegend(series, 12, top + 8, width - 24);
  parts.push(legend.markup);
  top += legend.height + 12;

  // Layout: a label column sized to the longest label (at most 40% of the width), then the plot.
  const labelColumn = Math.min(
    0.4 * width,
    Math.max(40, ...categories.map((label) => estimateTextWidth(label, SVG_FONT_SIZE))) + 12,
  );
  const rowHeight = Math.max(1, series.length) * BAR_THICKNESS + ROW_GAP;
  const plot: Box = { x: 12 + labelColumn, y: top, width: width - 12 - labelColumn - 24, height: Math.max(1, categories.length) * rowHeight };

  // Value axis from the smallest to the largest finite value, always including 0.
  const finiteValues = series.flatMap((entry) => entry.values.filter((value): value is number => value !== null && Number.isFinite(value)));
  const { domain, ticks } = niceDomain(Math.min(0, ...finiteValues), Math.max(0, ...finiteValues), 6);
  const xScale = linearScale(domain, [plot.x, plot.x + plot.width]);

  // Rows: a light band behind every other row, the label, and the bars with tooltips.
  const bands: string[] = [];
  const labels: string[] = [];
  const bars: string[] = [];
  categories.forEach((category, row) => {
    const rowTop = plot.y + row * rowHeight;
    if (row % 2 === 1) {
      bands.push(`M${fmt(plot.x)} ${fmt(rowTop)}h${fmt(plot.width)}v${fmt(rowHeight)}h${fmt(-plot.width)}Z`);
    }
    labels.push(
      svgText(truncateStart(category, labelColumn - 12, SVG_FONT_SIZE), {
        x: plot.x - 8,
        y: rowTop + rowHeight / 2,
        dy: "0.35em",
        "text-anchor": "end",
      }),
    );
    series.forEach((entry, index) => {
      const value = entry.values[row];
      if (value === null || value === undefined || !Number.isFinite(value)) {
        return;
      }
      const start = Math.min(xScale(0), xScale(value));
      const length = Math.abs(xScale(value) - xScale(0));
      bars.push(
        svgElement(
          "rect",
          {
            x: start,
            y: rowTop + ROW_GAP / 2 + index * BAR_THICKNESS,
            width: length,
            height: BAR_THICKNESS,
            fill: entry.color ?? seriesColor(index),
          },
          svgTitle(`${tooltips[row] ?? category}, ${entry.label}: ${formatValue(value)}`),
        ),
      );
    });
  });

  if (bands.length > 0) {
    parts.push(svgElement("path", { d: bands.join(""), fill: "#f6f8fa" }));
  }
  parts.push(
    ...drawHorizontalAxis(plot, { scale: xScale, ticks, fontSize: SVG_FONT_SIZE, title: valueTitle, grid: true }),
    svgElement("g", { fill: SVG_COLORS.text }, labels),
    svgElement("g", {}, bars),
  );

  // The zero line separates positive from negative bars.
  parts.push(
    svgElement("path", { d: `M${fmt(xScale(0))} ${fmt(plot.y)}V${fmt(plot.y + plot.height)}`, stroke: SVG_COLORS.axis, "stroke-width": 1 }),
  );

  const height = plot.y + plot.height + 2 * SVG_FONT_SIZE + 20;
  return svgDocument(
    { width, height, title, background: SVG_COLORS.background, fontFamily: SVG_FONT_FAMILY, fontSize: SVG_FONT_SIZE },
    parts,
  );
}

/**
 * Draws a legend of color swatches and labels from (`x`, `top`), wrapping to a new line before
 * `maxWidth` is exceeded.
 *
 * @returns The markup and the legend's height in pixels.
 */
export function drawSwatchLegend(
  series: readonly BarSeries[],
  x: number,
  top: number,
  maxWidth: number,
): { markup: string; height: number } {
  const lineHeight = SVG_FONT_SIZE + 6;
  const items: string[] = [];
  let cursor = x;
  let line = 0;

  series.forEach((entry, index) => {
    const itemWidth = 16 + estimateTextWidth(entry.label, SVG_FONT_SIZE) + 16;
    if (cursor > x && cursor + itemWidth > x + maxWidth) {
      cursor = x;
      line++;
    }
    const middle = top + line * lineHeight + lineHeight / 2;
    items.push(
      svgElement("rect", { x: cursor, y: middle - 5, width: 10, height: 10, fill: entry.color ?? seriesColor(index) }),
      svgText(entry.label, { x: cursor + 16, y: middle, dy: "0.35em", fill: SVG_COLORS.text }),
    );
    cursor += itemWidth;
  });

  return { markup: svgElement("g", {}, items), height: series.length === 0 ? 0 : (line + 1) * lineHeight };
}
