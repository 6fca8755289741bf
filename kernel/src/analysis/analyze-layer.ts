/** Error analysis of one weight: metrics and error histograms for each scheme. */

import type { ErrorMetricsPayload, Histogram } from "../display/payloads";
import { errorMetrics, histogram } from "../quant";
import { roundTrip, type ResolvedScheme } from "./schemes";
import { describeScheme } from "./schemes";

/** Metrics and histograms of one weight; the layer's names are added by the caller. */
export interface LayerErrors {
  weightHistogram: Histogram;
  metrics: Record<string, ErrorMetricsPayload>;
  errorHistograms: Record<string, Histogram>;
}

/** Number of bins of weight and error histograms. */
export const ERROR_HISTOGRAM_BINS = 64;

/**
 * Computes, for each scheme, the error of a `[rows, cols]` weight after a round trip. Only one
 * dequantized copy exists at a time: each is released before the next scheme runs.
 */
export function analyzeLayer(values: Float32Array, rows: number, cols: number, schemes: readonly ResolvedScheme[], name: string, bins = ERROR_HISTOGRAM_BINS): LayerErrors {
  const metrics: Record<string, ErrorMetricsPayload> = {};
  const errorHistograms: Record<string, Histogram> = {};
  for (const scheme of schemes) {
    const { id } = describeScheme(scheme, cols);
    const restored = roundTrip(scheme, values, rows, cols, name);
    const layerMetrics = errorMetrics(values, restored);
    metrics[id] = layerMetrics;

    // Errors in place, over a range symmetric around 0 so that schemes compare on one axis.
    for (let i = 0; i < restored.length; i++) restored[i] = restored[i]! - values[i]!;
    const bound = layerMetrics.maxAbsError > 0 ? layerMetrics.maxAbsError : 1;
    errorHistograms[id] = histogram(restored, bins, { low: -bound, high: bound });
  }
  return { weightHistogram: histogram(values, bins), metrics, errorHistograms };
}
