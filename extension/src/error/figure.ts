/**
 * Conversion of an error payload into plotly.js figures: grouped bars of one metric per layer
 * and scheme, and the error histograms of one layer.
 *
 * Pure functions without DOM access, so Node's test runner can check them. The renderer passes
 * their output to plotly.js unchanged.
 */

import type { ErrorPayload, Histogram } from "dnaquant/payloads";
import type { Annotations, Layout, LayoutAxis, PlotData, Shape } from "plotly.js-basic-dist-min";

import { escapePlotlyText, formatPercent, formatShape, formatValue } from "../common/format";
import { shortenLayerNames } from "../common/layer-names";
import { hasOwn } from "../common/payload-checks";
import { buildThemedLayout, seriesColor, type PlotTheme } from "../plotting/theme";
import { ERROR_METRICS, formatMetric, readMetric, type ErrorMetricName } from "./metrics";

/** Height of the grouped bar chart, in pixels. The width follows the output area. */
export const BARS_PLOT_HEIGHT = 460;

/** Height of the error histograms above the per-scheme panels, in pixels. */
const HISTOGRAM_BASE_HEIGHT = 130;

/** Height of one scheme's panel in the error histograms, in pixels. */
const HISTOGRAM_PANEL_HEIGHT = 130;

/** Title of the error histograms' value axis. */
export const ERROR_AXIS_TITLE = "Error (dequantized − original weight)";

/** Traces and layout for `Plotly.react`. */
export interface ErrorFigure {
  data: Array<Partial<PlotData>>;
  layout: Partial<Layout>;
}

/**
 * Builds the grouped bar chart: one bar per layer and scheme, layers in graph order along the
 * horizontal axis and one trace per scheme.
 *
 * A log axis cannot show 0 or an infinite value, and no axis shows an infinite value, so those
 * bars are left out (their hover text still names the value in the table).
 */
export function buildErrorBarsFigure(
  payload: ErrorPayload,
  options: buildErrorBarsFigure.IOptions,
): ErrorFigure {
  const { metric, selectedLayer, theme } = options;
  const definition = ERROR_METRICS[metric];
  const names = payload.layers.map((layer) => layer.name);
  const shortNames = shortenLayerNames(names);
  const positions = payload.layers.map((_, index) => index);

  // One trace per scheme. Hover text shows the full layer name and the formatted value.
  const data = payload.schemes.map((scheme, schemeIndex): Partial<PlotData> => {
    const values = payload.layers.map((layer) => readMetric(layer, scheme.id, metric));
    const plotted = values.map((value) => {
      const drawable =
        value !== undefined &&
        Number.isFinite(value) &&
        (definition.axisType === "linear" || value > 0);
      return drawable ? value : null;
    });
    return {
      type: "bar",
      name: escapePlotlyText(scheme.label),
      x: positions,
      y: plotted,
      customdata: values.map((value, index) => [
        escapePlotlyText(names[index]),
        formatMetric(value, metric),
      ]),
      marker: { color: seriesColor(schemeIndex), line: { width: 0 } },
      hovertemplate:
        `%{customdata[0]}<br>${escapePlotlyText(scheme.label)}: %{customdata[1]}` +
        "<extra></extra>",
    };
  });

  // A band behind the selected layer's bars links this chart to the histogram below.
  const shapes: Array<Partial<Shape>> = [];
  if (selectedLayer !== null && payload.layers[selectedLayer] !== undefined) {
    shapes.push({
      type: "rect",
      xref: "x",
      yref: "paper",
      x0: selectedLayer - 0.5,
      x1: selectedLayer + 0.5,
      y0: 0,
      y1: 1,
      fillcolor: theme.gridColor,
      opacity: 0.7,
      line: { width: 0 },
      layer: "below",
    });
  }

  const themed = buildThemedLayout(theme);
  return {
    data,
    layout: {
      ...themed,
      title: {
        text: `Error per layer: ${escapePlotlyText(definition.label)}`,
        subtitle: {
          text: escapePlotlyText(
            `${payload.model} · ${definition.definition} · click a bar to show its layer's errors`,
          ),
          font: { color: theme.mutedFontColor },
        },
        x: 0,
        xanchor: "left",
        yref: "container",
        y: 1,
        yanchor: "top",
        pad: { t: 12 },
      },
      xaxis: {
        ...themed.xaxis,
        tickmode: "array",
        tickvals: positions,
        ticktext: shortNames.map(escapePlotlyText),
        range: [-0.5, Math.max(0, payload.layers.length - 1) + 0.5],
        automargin: true,
        zeroline: false,
      },
      yaxis: {
        ...themed.yaxis,
        title: { text: escapePlotlyText(definition.axisTitle) },
        type: definition.axisType,
        automargin: true,
        // On a log axis, one tick per decade written as a power of ten, such as 10⁻⁴.
        ...(definition.axisType === "log" ? { dtick: 1, exponentformat: "power" as const } : {}),
      },
      barmode: "group",
      bargap: 0.2,
      bargroupgap: 0,
      shapes,
      height: BARS_PLOT_HEIGHT,
      autosize: true,
      showlegend: true,
      // The legend sits in the top margin, between the title block and the plot area.
      legend: { orientation: "h", x: 0, xanchor: "left", y: 1.01, yanchor: "bottom" },
      margin: { l: 72, r: 24, t: 112, b: 24 },
    },
  };
}

/** Options of {@link buildErrorBarsFigure}. */
export namespace buildErrorBarsFigure {
  export interface IOptions {
    /** Metric on the value axis. */
    metric: ErrorMetricName;
    /** Index of the layer to highlight in `payload.layers`, or null for none. */
    selectedLayer: number | null;
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/**
 * Builds the error histograms of one layer: one panel per scheme that has a histogram, stacked
 * top to bottom in scheme order, each with its own count axis and the scheme's name above it.
 *
 * With `sharedErrorAxis` every panel has the same error axis, so a scheme's spread compares at a
 * glance (INT8's narrow peak against NF4's wide one). Without it each panel spans its own
 * histogram, which shows the shape of small errors.
 *
 * @throws RangeError when `layerIndex` is not an index of `payload.layers`.
 */
export function buildErrorHistogramFigure(
  payload: ErrorPayload,
  options: buildErrorHistogramFigure.IOptions,
): ErrorFigure {
  const { layerIndex, logCounts, sharedErrorAxis, theme } = options;
  const layer = payload.layers[layerIndex];
  if (!Number.isInteger(layerIndex) || layer === undefined) {
    throw new RangeError(
      `layerIndex must be an integer in [0, ${payload.layers.length - 1}], ` +
        `but it is ${layerIndex}.`,
    );
  }

  // The schemes with a histogram for this layer, each with its color from the scheme order.
  const panels = payload.schemes
    .map((scheme, schemeIndex) => ({
      scheme,
      color: seriesColor(schemeIndex),
      histogram: hasOwn(layer.errorHistograms, scheme.id)
        ? layer.errorHistograms[scheme.id]
        : undefined,
    }))
    .filter((panel): panel is typeof panel & { histogram: Histogram } => panel.histogram !== undefined);

  const themed = buildThemedLayout(theme);
  const annotations: Array<Partial<Annotations>> = [];
  const layout: Partial<Layout> = {
    ...themed,
    annotations,
    title: {
      text: `Error histogram: ${escapePlotlyText(layer.name)}`,
      subtitle: {
        text: escapePlotlyText(`${payload.model} · ${formatShape(layer.shape)} · one panel per scheme`),
        font: { color: theme.mutedFontColor },
      },
      x: 0,
      xanchor: "left",
    },
    height: HISTOGRAM_BASE_HEIGHT + Math.max(1, panels.length) * HISTOGRAM_PANEL_HEIGHT,
    autosize: true,
    bargap: 0,
    showlegend: false,
    margin: { l: 72, r: 24, t: 96, b: 56 },
    grid: { rows: Math.max(1, panels.length), columns: 1, pattern: "independent", ygap: 0.35 },
  };

  // One panel per scheme: axes `xaxis`, `xaxis2`, … and `yaxis`, `yaxis2`, …
  const data = panels.map((panel, index): Partial<PlotData> => {
    const suffix = index === 0 ? "" : String(index + 1);
    const isLast = index === panels.length - 1;
    const xaxis: Partial<LayoutAxis> = {
      ...themed.xaxis,
      zeroline: true,
      showticklabels: !sharedErrorAxis || isLast,
      title: { text: isLast ? ERROR_AXIS_TITLE : "" },
      exponentformat: "e",
    };
    if (sharedErrorAxis && index > 0) {
      xaxis.matches = "x";
    }
    const yaxis: Partial<LayoutAxis> = {
      ...themed.yaxis,
      title: { text: "Count" },
      type: logCounts ? "log" : "linear",
      rangemode: "tozero",
      automargin: true,
    };
    Object.assign(layout, { [`xaxis${suffix}`]: xaxis, [`yaxis${suffix}`]: yaxis });

    // The scheme's name in its color, left-aligned above the panel.
    annotations.push({
      text: `<b>${escapePlotlyText(panel.scheme.label)}</b>`,
      font: { color: panel.color },
      xref: "paper",
      yref: `y${suffix} domain` as Annotations["yref"],
      x: 0,
      y: 1,
      xanchor: "left",
      yanchor: "bottom",
      showarrow: false,
    });

    return {
      ...buildErrorHistogramTrace(panel.histogram, panel.scheme.label, panel.color),
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
    };
  });

  return { data, layout };
}

/** Options of {@link buildErrorHistogramFigure}. */
export namespace buildErrorHistogramFigure {
  export interface IOptions {
    /** Index of the layer to draw in `payload.layers`. */
    layerIndex: number;
    /** Whether the count axes are logarithmic, which shows the sparse tails. */
    logCounts: boolean;
    /** Whether all panels share the error axis of the widest histogram. */
    sharedErrorAxis: boolean;
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/**
 * Builds a bar trace of an error histogram with bars at the bin centers and the bin widths. Hover
 * text shows the scheme, the bin interval, its count and its share of the layer's weights.
 */
export function buildErrorHistogramTrace(
  histogram: Histogram,
  label: string,
  color: string,
): Partial<PlotData> {
  const { edges, counts } = histogram;
  const total = counts.reduce((sum, count) => sum + count, 0);

  return {
    type: "bar",
    name: escapePlotlyText(label),
    x: counts.map((_, bin) => (edges[bin] + edges[bin + 1]) / 2),
    y: counts,
    width: counts.map((_, bin) => edges[bin + 1] - edges[bin]),
    customdata: counts.map((count, bin) => [
      formatValue(edges[bin]),
      formatValue(edges[bin + 1]),
      formatPercent(total > 0 ? count / total : 0),
    ]),
    marker: { color, line: { width: 0 } },
    hovertemplate:
      `${escapePlotlyText(label)}<br>` +
      "error %{customdata[0]} to %{customdata[1]}<br>" +
      "count %{y:,}<br>" +
      "%{customdata[2]} of the layer<extra></extra>",
  };
}
