/** Axes of the SVG charts: grid lines, axis lines, tick labels and axis titles. */

import { formatNumber as fmt, svgElement, svgText } from "./markup";
import { formatTick, type AxisTicks, type LinearScale } from "./scale";
import { estimateTextWidth, SVG_COLORS } from "./style";

/** A rectangle in SVG user units, with its top-left corner at (x, y). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Length of a tick mark outside the plot area, in pixels. */
const TICK_LENGTH = 4;

/** Options of {@link drawHorizontalAxis} and {@link drawVerticalAxis}. */
export interface AxisOptions {
  /** Maps axis values to pixels. */
  scale: LinearScale;
  ticks: AxisTicks;
  /** Font size of tick labels and the axis title, in pixels. */
  fontSize: number;
  /** Axis title, drawn beyond the tick labels. */
  title?: string;
  /** Whether to draw a grid line across the plot area at each tick. */
  grid: boolean;
}

/**
 * Draws the value axis along the bottom edge of `plot`: grid lines, the axis line, ticks and
 * their labels, and the title centered underneath.
 */
export function drawHorizontalAxis(plot: Box, options: AxisOptions): string[] {
  const { scale, ticks, fontSize, title, grid } = options;
  const bottom = plot.y + plot.height;
  const gridPath: string[] = [];
  const tickPath: string[] = [];
  const labels: string[] = [];

  for (const value of ticks.values) {
    const x = scale(value);
    gridPath.push(`M${fmt(x)} ${fmt(plot.y)}V${fmt(bottom)}`);
    tickPath.push(`M${fmt(x)} ${fmt(bottom)}v${TICK_LENGTH}`);
    labels.push(
      svgText(formatTick(value, ticks.step), { x, y: bottom + TICK_LENGTH + fontSize, "text-anchor": "middle" }),
    );
  }

  const parts: string[] = [];
  if (grid && gridPath.length > 0) {
    parts.push(svgElement("path", { d: gridPath.join(""), stroke: SVG_COLORS.grid, "stroke-width": 1, fill: "none" }));
  }
  parts.push(
    svgElement("path", {
      d: `M${fmt(plot.x)} ${fmt(bottom)}H${fmt(plot.x + plot.width)}${tickPath.join("")}`,
      stroke: SVG_COLORS.axis,
      "stroke-width": 1,
      fill: "none",
    }),
    svgElement("g", { fill: SVG_COLORS.mutedText, "font-size": fontSize }, labels),
  );
  if (title) {
    parts.push(
      svgText(title, {
        x: plot.x + plot.width / 2,
        y: bottom + TICK_LENGTH + 2 * fontSize + 6,
        "text-anchor": "middle",
        fill: SVG_COLORS.text,
        "font-size": fontSize,
      }),
    );
  }
  return parts;
}

/**
 * Draws the value axis along the left edge of `plot`: grid lines, the axis line, ticks and their
 * labels, and the title rotated to read upwards, left of the widest label.
 */
export function drawVerticalAxis(plot: Box, options: AxisOptions): string[] {
  const { scale, ticks, fontSize, title, grid } = options;
  const right = plot.x + plot.width;
  const gridPath: string[] = [];
  const tickPath: string[] = [];
  const labels: string[] = [];

  let labelWidth = 0;

  for (const value of ticks.values) {
    const y = scale(value);
    const label = formatTick(value, ticks.step);
    labelWidth = Math.max(labelWidth, estimateTextWidth(label, fontSize));
    gridPath.push(`M${fmt(plot.x)} ${fmt(y)}H${fmt(right)}`);
    tickPath.push(`M${fmt(plot.x)} ${fmt(y)}h${-TICK_LENGTH}`);
    labels.push(
      svgText(label, {
        x: plot.x - TICK_LENGTH - 2,
        y,
        dy: "0.35em",
        "text-anchor": "end",
      }),
    );
  }

  const parts: string[] = [];
  if (grid && gridPath.length > 0) {
    parts.push(svgElement("path", { d: gridPath.join(""), stroke: SVG_COLORS.grid, "stroke-width": 1, fill: "none" }));
  }
  parts.push(
    svgElement("path", {
      d: `M${fmt(plot.x)} ${fmt(plot.y)}V${fmt(plot.y + plot.height)}${tickPath.join("")}`,
      stroke: SVG_COLORS.axis,
      "stroke-width": 1,
      fill: "none",
    }),
    svgElement("g", { fill: SVG_COLORS.mutedText, "font-size": fontSize }, labels),
  );
  if (title) {
    // The rotated title's baseline sits left of the labels, with one line of space for its glyphs.
    const x = plot.x - TICK_LENGTH - 2 - labelWidth - 6;
    const y = plot.y + plot.height / 2;
    parts.push(
      svgText(title, {
        x,
        y,
        transform: `rotate(-90 ${fmt(x)} ${fmt(y)})`,
        "text-anchor": "middle",
        fill: SVG_COLORS.text,
        "font-size": fontSize,
      }),
    );
  }
  return parts;
}

