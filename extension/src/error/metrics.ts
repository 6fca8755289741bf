/**
 * The two error metrics of the error view, reading them from a payload, formatting them and
 * ranking layers by them. This module uses no DOM API so that Node's test runner can import it.
 */

import type { ErrorLayerPayload, ErrorPayload } from "dnaquant/payloads";

import { formatCount, formatValue } from "../common/format";
import { hasOwn } from "../common/payload-checks";

/** Name of a metric that the view can plot: a field of `ErrorMetricsPayload`. */
export type ErrorMetricName = "sqnrDb" | "relativeMse";

/** Display and ranking settings of one metric. */
export interface ErrorMetricDefinition {
  /** Name in the metric list and in table headings. */
  label: string;
  /** Title of the bar chart's value axis. */
  axisTitle: string;
  /** Definition shown under the bar chart's title. */
  definition: string;
  /**
   * Type of the value axis. SQNR is already logarithmic (dB); relative MSE spans orders of
   * magnitude between schemes, so it gets a log axis.
   */
  axisType: "linear" | "log";
  /** Whether a larger value means more error. */
  largerIsWorse: boolean;
}

/** The metrics in the order of the metric list; the first is selected at first. */
export const ERROR_METRIC_NAMES: readonly ErrorMetricName[] = Object.freeze([
  "sqnrDb",
  "relativeMse",
]);

/** Definition of each metric. */
export const ERROR_METRICS: Readonly<Record<ErrorMetricName, Readonly<ErrorMetricDefinition>>> =
  Object.freeze({
    sqnrDb: Object.freeze({
      label: "SQNR (dB)",
      axisTitle: "SQNR (dB), higher is better",
      definition: "SQNR = 10 log10(mean(w²) / MSE)",
      axisType: "linear",
      largerIsWorse: false,
    }),
    relativeMse: Object.freeze({
      label: "Relative MSE",
      axisTitle: "Relative MSE, lower is better",
      definition: "relative MSE = MSE / variance of the weights",
      axisType: "log",
      largerIsWorse: true,
    }),
  });

/** Order of a sorted table: the layers with the most error first, or the least. */
export type SortDirection = "worst-first" | "best-first";

/** Sort order of the layer table. */
export interface LayerSort {
  /** Scheme whose metric sorts the rows, or null for graph order. */
  schemeId: string | null;
  /** Direction of a sort by scheme. Graph order ignores it. */
  direction: SortDirection;
}

/**
 * Reads one metric of one layer under one scheme.
 *
 * @returns The value; Infinity where the payload has null (JSON's stand-in for an infinite value);
 * undefined when the layer has no metrics for the scheme.
 */
export function readMetric(
  layer: ErrorLayerPayload,
  schemeId: string,
  metric: ErrorMetricName,
): number | undefined {
  if (!hasOwn(layer.metrics, schemeId)) {
    return undefined;
  }
  const value = layer.metrics[schemeId][metric];
  return value === null ? Infinity : value;
}

/**
 * Formats a metric value for the table and hover text: SQNR with one decimal and its unit,
 * relative MSE with 4 significant digits. `∞` is an infinite value, `–` a missing one.
 */
export function formatMetric(value: number | undefined, metric: ErrorMetricName): string {
  if (value === undefined) {
    return "–";
  }
  if (value === Infinity) {
    return "∞";
  }
  return metric === "sqnrDb" ? `${value.toFixed(1)} dB` : formatValue(value);
}

/**
 * Returns the indices of `payload.layers` in table order.
 *
 * Sorting by a scheme ranks the layers by error under that scheme: worst first puts the lowest
 * SQNR or the highest relative MSE on top. Layers without a value for the scheme come last in
 * either direction, and equal values keep graph order.
 */
export function sortLayerIndices(
  payload: ErrorPayload,
  metric: ErrorMetricName,
  sort: LayerSort,
): number[] {
  const indices = payload.layers.map((_, index) => index);
  const { schemeId, direction } = sort;
  if (schemeId === null) {
    return indices;
  }

  // Error score: larger means more error, whatever the metric's own direction.
  const sign = ERROR_METRICS[metric].largerIsWorse ? 1 : -1;
  const scores = payload.layers.map((layer) => {
    const value = readMetric(layer, schemeId, metric);
    return value === undefined ? undefined : sign * value;
  });

  return indices.sort((a, b) => {
    const scoreA = scores[a];
    const scoreB = scores[b];
    if (scoreA === undefined || scoreB === undefined) {
      return (scoreA === undefined ? 1 : 0) - (scoreB === undefined ? 1 : 0) || a - b;
    }
    const difference = direction === "worst-first" ? scoreB - scoreA : scoreA - scoreB;
    // Two infinite scores give NaN: they are equal.
    return (Number.isNaN(difference) ? 0 : difference) || a - b;
  });
}

/**
 * Returns the scheme that the table is sorted by at first: the one with the fewest bits per
 * weight, where quantization usually hurts most (the first of equals). Null without schemes.
 */
export function defaultSortScheme(payload: ErrorPayload): string | null {
  let best: ErrorPayload["schemes"][number] | null = null;
  for (const scheme of payload.schemes) {
    if (best === null || scheme.bitsPerWeight < best.bitsPerWeight) {
      best = scheme;
    }
  }
  return best?.id ?? null;
}

/** Builds the header line of a payload, such as `tiny-dna · 18 linear layers · 4 schemes`. */
export function describeErrorPayload(payload: ErrorPayload): string {
  const layers = payload.layers.length;
  const schemes = payload.schemes.length;
  return (
    `${payload.model} · ${formatCount(layers)} ${layers === 1 ? "linear layer" : "linear layers"}` +
    ` · ${formatCount(schemes)} ${schemes === 1 ? "scheme" : "schemes"}`
  );
}
