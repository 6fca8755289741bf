/** Histogram charts as SVG: bars of equal-width bins with axes, and optional vertical marker lines. */

import type { Histogram } from "../payloads";
import { drawHorizontalAxis, drawVerticalAxis, type Box } from "./axes";
import { formatNumber as fmt, svgDocument, svgElement, svgText } from "./markup";
import { chooseTicks, linearScale, niceDomain } from "./scale";
import {
  estimateTextWidth,
  SVG_COLORS,
  SVG_FONT_FAMILY,
  SVG_FONT_SIZE,
  SVG_TITLE_FONT_SIZE,
} from "./style";

/** A set of vertical lines at given values, such as the 16 NF4 code levels. */
export interface MarkerSet {
  /** Legend label, such as `NF4 levels`. */
  label: string;
  /** Positions on the value axis. Values outside the axis are not drawn. */
  values: readonly number[];
  /** Stroke color. */
  color: string;
  /** Stroke width in pixels (default 1). */
  strokeWidth?: number;
  /** SVG `stroke-dasharray`, such as `4 3` (default solid). */
  dash?: string;
  /**
   * Share of the plot height that each line spans, measured up from the bottom: 1 (the default)
   * draws full-height lines, a small value such as 0.05 draws tick marks.
   */
  extent?: number;
}

/** Options of {@link drawHistogramPlot}. */
export interface HistogramPlotOptions {
  histogram: Histogram;
  /** Ends of the value axis (default: the first and last bin edges). */
  domain?: readonly [number, number];
  /** Fill of the bars (default {@link SVG_COLORS}.bar). */
  barColor?: string;
  /** Vertical lines drawn over the bars, in order. */
  markers?: readonly MarkerSet[];
  /** Title under the value axis. */
  valueTitle?: string;
  /** Title left of the count axis. */
  countTitle?: string;
  /** Font size of tick labels and axis titles, in pixels. */
  fontSize: number;
  /** Maximum number of intervals between value-axis ticks. */
  valueTickCount: number;
  /** Maximum number of intervals between count-axis ticks. */
  countTickCount: number;
}

/**
 * Draws a histogram into the plot area `plot`: bars, the count axis on the left, the value axis
 * at the bottom and the marker lines. Labels and titles extend outside `plot`, so the caller
 * leaves margins for them.
 *
 * @throws RangeError when the histogram's edges and counts do not match, or when a value or
 * count is not finite.
 */
export function drawHistogramPlot(plot: Box, options: HistogramPlotOptions): string[] {
  const { histogram, barColor = SVG_COLORS.bar, markers = [], valueTitle, countTitle, fontSize } = options;
  const { edges, counts } = histogram;
  if (counts.length === 0 || edges.length !== counts.length + 1) {
    throw new RangeError(
      `A histogram needs at least one bin and counts.length + 1 edges, but it has ${counts.length} counts and ${edges.length} edges.`,
    );
  }

  // Scales: the value axis spans the domain, the count axis starts at 0 and ends at a round tick.
  const domain = options.domain ?? [edges[0]!, edges[edges.length - 1]!];
  const xScale = linearScale(domain, [plot.x, plot.x + plot.width]);
  const maxCount = Math.max(...counts);
  const counted = niceDomain(0, maxCount > 0 ? maxCount : 1, options.countTickCount);
  const yScale = linearScale(counted.domain, [plot.y + plot.height, plot.y]);
  const valueTicks = chooseTicks(Math.min(...domain), Math.max(...domain), options.valueTickCount);

  // Axes and grid first, so that the bars cover the grid lines.
  const parts = [
    ...drawVerticalAxis(plot, {
      scale: yScale,
      ticks: counted.ticks,
      fontSize,
      title: countTitle,
      grid: true,
    }),
    ...drawHorizontalAxis(plot, { scale: xScale, ticks: valueTicks, fontSize, title: valueTitle, grid: false }),
  ];

  // Bars: one path of rectangles, clipped to the plot area. Empty bins draw nothing.
  const bottom = yScale(0);
  const left = plot.x;
  const right = plot.x + plot.width;
  const bars: string[] = [];
  counts.forEach((count, bin) => {
    const start = Math.max(left, xScale(edges[bin]!));
    const end = Math.min(right, xScale(edges[bin + 1]!));
    if (count <= 0 || end <= start) {
      return;
    }
    const top = yScale(count);
    bars.push(`M${fmt(start)} ${fmt(bottom)}V${fmt(top)}H${fmt(end)}V${fmt(bottom)}Z`);
  });
  if (bars.length > 0) {
    parts.push(svgElement("path", { d: bars.join(""), fill: barColor }));
  }

  // Marker lines over the bars.
  for (const marker of markers) {
    const lines = marker.values
      .filter((value) => value >= Math.min(...domain) && value <= Math.max(...domain))
      .map((value) => {
        const x = xScale(value);
        const top = bottom - (marker.extent ?? 1) * (bottom - plot.y);
        return `M${fmt(x)} ${fmt(bottom)}V${fmt(top)}`;
      });
    if (lines.length === 0) {
      continue;
    }
    parts.push(
      svgElement("path", {
        d: lines.join(""),
        stroke: marker.color,
        "stroke-width": marker.strokeWidth ?? 1,
        "stroke-dasharray": marker.dash,
        fill: "none",
      }),
    );
  }
  return parts;
}

/** Options of {@link histogramChartSvg}. */
export interface HistogramChartOptions {
  histogram: Histogram;
  /** Chart title, such as the layer name. */
  title: string;
  /** Second line under the title, such as the model and scheme. */
  subtitle?: string;
  /** Title of the value axis (default `Value`). */
  valueTitle?: string;
  /** Title of the count axis (default `Count`). */
  countTitle?: string;
  /** Ends of the value axis (default: the first and last bin edges). */
  domain?: readonly [number, number];
  /** Fill of the bars. */
  barColor?: string;
  /** Vertical lines over the bars, listed in a legend under the title. */
  markers?: readonly MarkerSet[];
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 320). */
  height?: number;
}

/** Draws one histogram as a standalone SVG document, with a title and a legend of its marker sets. */
export function histogramChartSvg(options: HistogramChartOptions): string {
  const {
    histogram,
    title,
    subtitle,
    valueTitle = "Value",
    countTitle = "Count",
    domain,
    barColor,
    markers = [],
    width = 640,
    height = 320,
  } = options;

  // Header: title, subtitle and the legend of marker sets, one line each.
  const header: string[] = [svgText(title, { x: 12, y: 22, "font-size": SVG_TITLE_FONT_SIZE, "font-weight": "bold", fill: SVG_COLORS.text })];
  let headerBottom = 30;
  if (subtitle) {
    header.push(svgText(subtitle, { x: 12, y: 42, fill: SVG_COLORS.mutedText }));
    headerBottom = 50;
  }
  if (markers.length > 0) {
    header.push(drawLineLegend(markers, 12, headerBottom + 8));
    headerBottom += 22;
  }

  // Plot area with margins for the count labels and title on the left and the value axis below.
  const plot: Box = { x: 72, y: headerBottom + 8, width: width - 72 - 20, height: height - headerBottom - 8 - 48 };
  const body = drawHistogramPlot(plot, {
    histogram,
    domain,
    barColor,
    markers,
    valueTitle,
    countTitle,
    fontSize: SVG_FONT_SIZE,
    valueTickCount: 8,
    countTickCount: 5,
  });

  return svgDocument(
    { width, height, title, background: SVG_COLORS.background, fontFamily: SVG_FONT_FAMILY, fontSize: SVG_FONT_SIZE },
    [...header, ...body],
  );
}

/**
 * Draws a one-line legend of marker sets starting at (`x`, `y`), where `y` is the middle of the
 * line: a short line sample in each set's stroke, then its label.
 */
export function drawLineLegend(markers: readonly MarkerSet[], x: number, y: number): string {
  const items: string[] = [];
  let cursor = x;
  for (const marker of markers) {
    items.push(
      svgElement("path", {
        d: `M${fmt(cursor)} ${fmt(y)}h18`,
        stroke: marker.color,
        "stroke-width": Math.max(2, marker.strokeWidth ?? 1),
        "stroke-dasharray": marker.dash,
      }),
      svgText(marker.label, { x: cursor + 24, y, dy: "0.35em", fill: SVG_COLORS.text }),
    );
    cursor += 24 + estimateTextWidth(marker.label, SVG_FONT_SIZE) + 16;
  }
  return svgElement("g", {}, items);
}
