/**
 * Conversion of a weights payload into plotly.js traces, layout and caption text.
 *
 * Pure functions without DOM access, so Node's test runner can check them. The renderer passes
 * their output to plotly.js unchanged.
 */

import type { WeightLayerPayload, WeightsPayload } from "dnaquant/payloads";
import type { Layout, PlotData } from "plotly.js-basic-dist-min";

import {
  escapePlotlyText,
  formatCount,
  formatPercent,
  formatShape,
  formatValue,
} from "../common/format";
import { buildThemedLayout, type PlotTheme } from "../plotting/theme";

/** Title of the horizontal axis. */
export const VALUE_AXIS_TITLE = "Weight value";

/** Title of the vertical axis. */
export const COUNT_AXIS_TITLE = "Count";

/** Height of the plot, in pixels. The width follows the output area. */
export const PLOT_HEIGHT = 360;

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
