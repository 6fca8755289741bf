/**
 * Conversion of an agreement payload into a plotly.js bar chart: top-1 agreement and mean
 * embedding cosine per scheme, side by side.
 *
 * Pure functions without DOM access, so Node's test runner can check them. The renderer passes
 * their output to plotly.js unchanged.
 */

import type { AgreementPayload, AgreementRowPayload } from "dnaquant/payloads";
import type { Layout, PlotData } from "plotly.js-basic-dist-min";

import { escapePlotlyText, formatPercent } from "../common/format";
import { buildThemedLayout, seriesColor, type PlotTheme } from "../plotting/theme";
import { formatCosine } from "./table";

/** Height of the bar chart, in pixels. The width follows the output area. */
export const AGREEMENT_PLOT_HEIGHT = 300;

/**
 * Title of the value axis. It is short because the axis is only about 170 pixels tall. The
 * subtitle states that both metrics are 1 where the quantized model matches fp32.
 */
export const AGREEMENT_AXIS_TITLE = "Agreement";

/** Prefix of the tick label of a scheme that has warnings. */
export const WARNING_TICK_PREFIX = "⚠ ";

/** One metric drawn as a bar trace. */
interface AgreementMetric {
  /** Legend name. */
  name: string;
  /** Reads the metric from a row, or undefined when it was not measured. */
  read: (row: AgreementRowPayload) => number | undefined;
  /** Formats a value for the bar's label and hover text. */
  format: (value: number) => string;
}

/** The metrics of the chart in legend order, top-1 agreement first. */
const AGREEMENT_METRICS: readonly AgreementMetric[] = Object.freeze([
  { name: "Top-1 agreement", read: (row) => row.top1Agreement, format: formatPercent },
  { name: "Mean embedding cosine", read: (row) => row.meanCosine, format: formatCosine },
]);

/** Legend names of the traces, in order. */
export const AGREEMENT_TRACE_NAMES: readonly string[] = Object.freeze(
  AGREEMENT_METRICS.map((metric) => metric.name),
);

/** Traces and layout for `Plotly.react`. */
export interface AgreementFigure {
  data: Array<Partial<PlotData>>;
  layout: Partial<Layout>;
}

/**
 * Builds the grouped bar chart: schemes along the horizontal axis in payload order, one trace per
 * metric. A metric that a row lacks gets no bar there. A scheme with warnings has a warning sign
 * in its tick label.
 *
 * Schemes sit at integer positions with their names as tick labels, so two rows of the same
 * scheme (NF4 at two block sizes, say) keep separate bars.
 */
export function buildAgreementFigure(
  payload: AgreementPayload,
  options: buildAgreementFigure.IOptions,
): AgreementFigure {
  const { theme } = options;
  const positions = payload.rows.map((_, index) => index);

  // One trace per metric, each bar labelled with its value.
  const data = AGREEMENT_METRICS.map((metric, metricIndex): Partial<PlotData> => {
    const values = payload.rows.map((row) => metric.read(row));
    const labels = values.map((value) => (value === undefined ? "" : metric.format(value)));
    return {
      type: "bar",
      name: metric.name,
      x: positions,
      y: values.map((value) => value ?? null),
      text: labels,
      textposition: "inside",
      insidetextanchor: "end",
      textangle: 0,
      customdata: payload.rows.map((row, index) => [escapePlotlyText(row.scheme), labels[index]]),
      marker: { color: seriesColor(metricIndex === 0 ? 0 : 2), line: { width: 0 } },
      hovertemplate: `%{customdata[0]}<br>${metric.name}: %{customdata[1]}<extra></extra>`,
    };
  });

  // The value axis spans [0, 1], or lower when a cosine is negative.
  const lowest = Math.min(
    0,
    ...payload.rows.flatMap((row) => AGREEMENT_METRICS.map((metric) => metric.read(row) ?? 0)),
  );

  const themed = buildThemedLayout(theme);
  return {
    data,
    layout: {
      ...themed,
      title: {
        text: "Agreement with fp32",
        subtitle: {
          text: escapePlotlyText(`${payload.model} · bars are 1 where the model matches fp32`),
          font: { color: theme.mutedFontColor },
        },
        x: 0,
        xanchor: "left",
        yref: "container",
        y: 1,
        yanchor: "top",
        pad: { t: 10 },
      },
      xaxis: {
        ...themed.xaxis,
        tickmode: "array",
        tickvals: positions,
        ticktext: payload.rows.map(formatSchemeTick),
        range: [-0.5, Math.max(0, payload.rows.length - 1) + 0.5],
        automargin: true,
        zeroline: false,
      },
      yaxis: {
        ...themed.yaxis,
        title: { text: AGREEMENT_AXIS_TITLE },
        range: [lowest, 1],
        automargin: true,
      },
      barmode: "group",
      bargap: 0.3,
      bargroupgap: 0.05,
      height: AGREEMENT_PLOT_HEIGHT,
      autosize: true,
      showlegend: true,
      // The legend sits in the top margin, between the title block and the plot area.
      legend: { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" },
      margin: { l: 64, r: 16, t: 92, b: 32 },
    },
  };
}

/** Options of {@link buildAgreementFigure}. */
export namespace buildAgreementFigure {
  export interface IOptions {
    /** Colors and fonts of the plot. */
    theme: PlotTheme;
  }
}

/** Formats a scheme's tick label: bold with a warning sign when the row has warnings. */
export function formatSchemeTick(row: AgreementRowPayload): string {
  const scheme = escapePlotlyText(row.scheme);
  return row.warnings.length > 0 ? `<b>${WARNING_TICK_PREFIX}${scheme}</b>` : scheme;
}
