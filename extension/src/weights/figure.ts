/**
 * Conversion of a weights payload into plotly.js traces, layout and caption text.
 *
 * Pure functions without DOM access, so Node's test runner can check them. The renderer passes
 * their output to plotly.js unchanged.
 */

import type { WeightLayerPayload, WeightsPayload } from "dnaquant/payloads";
import type { Dash, Layout, PlotData } from "plotly.js-basic-dist-min";

import {
  escapePlotlyText,
  formatCount,
  formatPercent,
  formatShape,
  formatValue,
} from "../common/format";
import { buildThemedLayout, seriesColor, type PlotTheme } from "../plotting/theme";

/** Title of the horizontal axis. */
export const VALUE_AXIS_TITLE = "Weight value";

/** Title of the vertical axis. */
export const COUNT_AXIS_TITLE = "Count";

/** Title of the horizontal axis of the normalized view. */
export const NORMALIZED_AXIS_TITLE = "Weight / block absmax";

/** Height of the plot, in pixels. The width follows the output area. */
export const PLOT_HEIGHT = 360;

/** Legend names of the code-level traces of the normalized view. */
export const CODE_LEVEL_NAMES = Object.freeze({
  nf4: "NF4 levels",
  fp4: "FP4 levels",
  int8: "INT8 grid (k / 127)",
});

/** Colors of the NF4 and FP4 levels: those of the NF4 and FP4 schemes in the error view. */
const CODE_LEVEL_COLORS = Object.freeze({ nf4: seriesColor(1), fp4: seriesColor(2) });

/**
 * Height of the INT8 grid's tick marks as a share of the plot height. 255 full-height lines 0.008
 * apart would hide the bars, so the grid is a row of short ticks along the bottom.
 */
const INT8_TICK_HEIGHT = 0.05;

/**
 * Maximum number of INT8 grid lines drawn. The grid of `payload.codeLevels.int8Step` = 1/127 has
 * 255 lines in [-1, 1]. A payload with a much smaller step gets no grid, so the page does not
 * freeze drawing millions of lines.
 */
export const MAX_INT8_GRID_LINES = 1025;

/** Traces and layout for `Plotly.react`. */
export interface WeightsFigure {
  data: Array<Partial<PlotData>>;
  layout: Partial<Layout>;
}

/** One row of the statistics caption under the plot. */
export interface StatisticsRow {
  label: string;
  value: string;
}

/**
 * Builds the figure of one layer: a bar trace with one bar per histogram bin.
 *
 * @throws RangeError when `layerIndex` is not an index of `payload.layers`.
 */
export function buildWeightsFigure(
  payload: WeightsPayload,
  options: buildWeightsFigure.IOptions,
): WeightsFigure {
  const { layerIndex, logCounts, theme } = options;
  const layer = payload.layers[layerIndex];
  if (!Number.isInteger(layerIndex) || layer === undefined) {
    throw new RangeError(
      `layerIndex must be an integer in [0, ${payload.layers.length - 1}], ` +
        `but it is ${layerIndex}.`,
    );
  }

  return {
    data: [buildHistogramTrace(layer, theme)],
    layout: buildWeightsLayout(payload, layer, { logCounts, theme }),
  };
}

/** Options of {@link buildWeightsFigure}. */
export namespace buildWeightsFigure {
  export interface IOptions {
    /** Index of the layer to draw in `payload.layers`. */
    layerIndex: number;
    /** Whether the count axis is logarithmic, which shows the sparse tails of a distribution. */
    logCounts: boolean;
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/**
 * Builds a bar trace from a histogram. Bars sit at the bin centers with the bin widths, so
 * they tile the value axis without gaps. Hover text shows the bin interval, its count and its
 * share of all counted values.
 */
export function buildHistogramTrace(
  layer: WeightLayerPayload,
  theme: PlotTheme,
): Partial<PlotData> {
  const { edges, counts } = layer.histogram;
  const total = counts.reduce((sum, count) => sum + count, 0);

  const centers = counts.map((_, bin) => (edges[bin] + edges[bin + 1]) / 2);
  const widths = counts.map((_, bin) => edges[bin + 1] - edges[bin]);
  const hoverData = counts.map((count, bin) => [
    formatValue(edges[bin]),
    formatValue(edges[bin + 1]),
    formatPercent(total > 0 ? count / total : 0),
  ]);

  return {
    type: "bar",
    name: escapePlotlyText(layer.name),
    x: centers,
    y: counts,
    width: widths,
    customdata: hoverData,
    marker: { color: theme.barColor, line: { width: 0 } },
    hovertemplate:
      "weight value %{customdata[0]} to %{customdata[1]}<br>" +
      "count %{y:,}<br>" +
      "%{customdata[2]} of the layer<extra></extra>",
  };
}

/**
 * Builds the layout of one layer's histogram: the layer name as title, model and scheme as
 * subtitle, and titled axes.
 */
export function buildWeightsLayout(
  payload: WeightsPayload,
  layer: WeightLayerPayload,
  options: buildWeightsLayout.IOptions,
): Partial<Layout> {
  const { logCounts, theme } = options;
  const themed = buildThemedLayout(theme);
  const subtitle = `${payload.model} · ${layer.scheme} · ${formatShape(layer.shape)}`;

  return {
    ...themed,
    title: {
      text: escapePlotlyText(layer.name),
      subtitle: { text: escapePlotlyText(subtitle), font: { color: theme.mutedFontColor } },
      x: 0,
      xanchor: "left",
    },
    xaxis: { ...themed.xaxis, title: { text: VALUE_AXIS_TITLE }, zeroline: true },
    yaxis: {
      ...themed.yaxis,
      title: { text: COUNT_AXIS_TITLE },
      type: logCounts ? "log" : "linear",
      rangemode: "tozero",
    },
    height: PLOT_HEIGHT,
    autosize: true,
    bargap: 0,
    showlegend: false,
    margin: { l: 72, r: 24, t: 72, b: 56 },
  };
}

/** Options of {@link buildWeightsLayout}. */
export namespace buildWeightsLayout {
  export interface IOptions {
    /** Whether the count axis is logarithmic. */
    logCounts: boolean;
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/**
 * Builds the header line of a payload, such as `tiny-dna · nf4 · 12 linear weights`.
 */
export function describeWeightsPayload(payload: WeightsPayload): string {
  const count = payload.layers.length;
  const noun = count === 1 ? "linear weight" : "linear weights";
  return `${payload.model} · ${payload.scheme} · ${formatCount(count)} ${noun}`;
}

/** Builds the statistics caption of one layer, in display order. */
export function summarizeLayer(layer: WeightLayerPayload): StatisticsRow[] {
  const { statistics } = layer;
  // A linear weight has ONNX MatMul's B layout, [K, N].
  const shape =
    layer.shape.length === 2
      ? `${formatShape(layer.shape)} (inputs × outputs)`
      : formatShape(layer.shape);

  return [
    { label: "Layer", value: layer.name },
    { label: "Weight tensor", value: layer.weightName },
    { label: "Shape", value: shape },
    { label: "Scheme", value: layer.scheme },
    { label: "Elements", value: formatCount(statistics.count) },
    { label: "Minimum", value: formatValue(statistics.min) },
    { label: "Maximum", value: formatValue(statistics.max) },
    { label: "Mean", value: formatValue(statistics.mean) },
    { label: "Standard deviation", value: formatValue(statistics.std) },
  ];
}

/** Returns whether a layer can be drawn normalized: it has a normalized histogram and the payload code levels. */
export function hasNormalizedView(payload: WeightsPayload, layerIndex: number): boolean {
  return payload.codeLevels !== undefined && payload.layers[layerIndex]?.normalized !== undefined;
}

/**
 * Builds the normalized view of one layer: the histogram of its float32 weights divided by their
 * block absmax, over [-1, 1]. The NF4 code levels are vertical lines and the INT8 grid is a row of
 * tick marks along the bottom. On request, the FP4 code levels are dashed lines.
 *
 * The level lines live on a second, hidden y axis spanning [0, 1], so they keep their height when
 * the count axis is logarithmic. Each set is one trace, so the legend toggles it.
 *
 * @throws RangeError when `layerIndex` is not an index of `payload.layers`, or when the layer has
 * no normalized histogram or the payload no code levels.
 */
export function buildNormalizedFigure(
  payload: WeightsPayload,
  options: buildNormalizedFigure.IOptions,
): WeightsFigure {
  const { layerIndex, logCounts, showFp4, theme } = options;
  const layer = payload.layers[layerIndex];
  if (!Number.isInteger(layerIndex) || layer === undefined) {
    throw new RangeError(
      `layerIndex must be an integer in [0, ${payload.layers.length - 1}], ` +
        `but it is ${layerIndex}.`,
    );
  }
  const { normalized } = layer;
  const { codeLevels } = payload;
  if (normalized === undefined || codeLevels === undefined) {
    throw new RangeError(
      `Layer ${layerIndex} (${layer.name}) cannot be drawn normalized: it needs ` +
        "layers[].normalized and payload.codeLevels, and the payload lacks " +
        `${normalized === undefined ? "the layer's normalized histogram" : "codeLevels"}.`,
    );
  }

  // Bars of the normalized histogram, then the level sets from least to most prominent.
  const bars = buildHistogramTrace({ ...layer, histogram: normalized.histogram }, theme);
  bars.hovertemplate = String(bars.hovertemplate).replace("weight value", "normalized value");
  bars.showlegend = false;
  const data: Array<Partial<PlotData>> = [bars];

  const int8Levels = int8GridLevels(codeLevels.int8Step);
  if (int8Levels.length > 0) {
    data.push(
      buildLevelTrace(int8Levels, {
        name: CODE_LEVEL_NAMES.int8,
        color: theme.mutedFontColor,
        width: 1,
        height: INT8_TICK_HEIGHT,
        hover: false,
      }),
    );
  }
  data.push(
    buildLevelTrace(uniqueSorted(codeLevels.nf4), {
      name: CODE_LEVEL_NAMES.nf4,
      color: CODE_LEVEL_COLORS.nf4,
      width: 1.5,
      height: 1,
      hover: true,
    }),
  );
  if (showFp4) {
    data.push(
      buildLevelTrace(uniqueSorted(codeLevels.fp4), {
        name: CODE_LEVEL_NAMES.fp4,
        color: CODE_LEVEL_COLORS.fp4,
        width: 1.5,
        height: 1,
        dash: "dash",
        hover: true,
      }),
    );
  }

  // Layout: the values layout with the [-1, 1] axis, a legend, and the hidden axis of the levels.
  const layout = buildWeightsLayout(payload, layer, { logCounts, theme });
  const subtitle =
    `${payload.model} · ${layer.scheme} · ${formatShape(layer.shape)} · ` +
    `divided by the absmax of each block of ${formatCount(normalized.blockSize)} weights`;
  return {
    data,
    layout: {
      ...layout,
      title: {
        text: escapePlotlyText(layer.name),
        subtitle: { text: escapePlotlyText(subtitle), font: { color: theme.mutedFontColor } },
        x: 0,
        xanchor: "left",
      },
      xaxis: {
        ...layout.xaxis,
        title: { text: NORMALIZED_AXIS_TITLE },
        range: [-1.02, 1.02],
      },
      yaxis2: { overlaying: "y", range: [0, 1], visible: false, fixedrange: true },
      showlegend: true,
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom" },
      height: PLOT_HEIGHT + 20,
      margin: { l: 72, r: 24, t: 92, b: 56 },
    },
  };
}

/** Options of {@link buildNormalizedFigure}. */
export namespace buildNormalizedFigure {
  export interface IOptions {
    /** Index of the layer to draw in `payload.layers`. */
    layerIndex: number;
    /** Whether the count axis is logarithmic. */
    logCounts: boolean;
    /** Whether to draw the FP4 code levels too. */
    showFp4: boolean;
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/**
 * Returns the INT8 grid `k * step` for every integer k with |k * step| <= 1, ascending. Empty when
 * that is more than {@link MAX_INT8_GRID_LINES} lines.
 */
export function int8GridLevels(step: number): number[] {
  const steps = Math.floor(1 / step + 1e-9);
  if (!(step > 0) || 2 * steps + 1 > MAX_INT8_GRID_LINES) {
    return [];
  }
  return Array.from({ length: 2 * steps + 1 }, (_, index) => (index - steps) * step);
}

/**
 * Builds a trace of vertical lines, one at each level, on the hidden y axis `y2` that spans [0, 1]:
 * each line goes from 0 to `height`.
 */
function buildLevelTrace(
  levels: readonly number[],
  style: { name: string; color: string; width: number; height: number; dash?: Dash; hover: boolean },
): Partial<PlotData> {
  // Line segments separated by null, so that one trace draws every line.
  const x: Array<number | null> = [];
  const y: Array<number | null> = [];
  for (const level of levels) {
    x.push(level, level, null);
    y.push(0, style.height, null);
  }

  return {
    type: "scatter",
    mode: "lines",
    name: style.name,
    x,
    y,
    yaxis: "y2",
    line: { color: style.color, width: style.width, dash: style.dash },
    connectgaps: false,
    hoverinfo: style.hover ? undefined : "skip",
    hovertemplate: style.hover ? `${style.name}: %{x:.4f}<extra></extra>` : undefined,
  };
}

/** Returns the distinct values ascending, with -0 and +0 as one value. */
function uniqueSorted(values: readonly number[]): number[] {
  return Array.from(new Set(values.map((value) => (value === 0 ? 0 : value)))).sort((a, b) => a - b);
}
