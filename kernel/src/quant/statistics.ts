/**
 * Summary statistics, histograms and error metrics of float32 tensors. Results are plain
 * objects with number arrays so that they serialize to JSON unchanged.
 */

import type { Histogram, TensorStatistics } from "../display/payloads";

/** Computes count, min, max, mean and population standard deviation in one pass (Welford). */
export function tensorStatistics(values: ArrayLike<number>): TensorStatistics {
  let mean = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
    const delta = value - mean;
    mean += delta / (i + 1);
    sumSquares += delta * (value - mean);
  }
  const count = values.length;
  if (count === 0) return { count, min: 0, max: 0, mean: 0, std: 0 };
  return { count, min, max, mean, std: Math.sqrt(sumSquares / count) };
}

/**
 * Counts `values` in `bins` equal-width bins over `[low, high]` (default: the values' min and
 * max). Values outside the range are not counted; the last bin includes `high`. A range of zero
 * width is widened by 0.5 on each side so that the edges still increase.
 */
export function histogram(values: ArrayLike<number>, bins = 64, range?: { low: number; high: number }): Histogram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${bins}.`);
  }
  let low: number;
  let high: number;
  if (range) {
    ({ low, high } = range);
  } else if (values.length > 0) {
    const { min, max } = tensorStatistics(values);
    low = min;
    high = max;
  } else {
    low = 0;
    high = 1;
  }
  if (!(high > low)) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < low || value > high) continue;
    const bin = Math.min(bins - 1, Math.floor((value - low) / width));
    counts[bin]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  return { edges, counts };
}

/** Error of an approximation against a reference of the same length. */
export interface ErrorMetrics {
  /** Mean squared error. */
  mse: number;
  /** MSE divided by the reference's population variance. */
  relativeMse: number;
  /** Signal-to-quantization-noise ratio in dB: `10 log10(mean(x^2) / mse)`. */
  sqnrDb: number;
  maxAbsError: number;
  meanAbsError: number;
}

/** Computes {@link ErrorMetrics} of `approximation` against `reference`. */
export function errorMetrics(reference: ArrayLike<number>, approximation: ArrayLike<number>): ErrorMetrics {
  if (reference.length !== approximation.length) {
    throw new RangeError(`errorMetrics: lengths differ, ${reference.length} and ${approximation.length}.`);
  }
  const n = reference.length;
  let squaredError = 0;
  let absError = 0;
  let maxAbsError = 0;
  let signalPower = 0;
  for (let i = 0; i < n; i++) {
    const error = approximation[i]! - reference[i]!;
    squaredError += error * error;
    absError += Math.abs(error);
    if (Math.abs(error) > maxAbsError) maxAbsError = Math.abs(error);
    signalPower += reference[i]! * reference[i]!;
  }
  const mse = n === 0 ? 0 : squaredError / n;
  const { std } = tensorStatistics(reference);
  // A constant reference has no variance: its relative MSE is 0 when exact, otherwise Infinity.
  let relativeMse = mse === 0 ? 0 : Infinity;
  if (std > 0) relativeMse = mse / (std * std);
  return {
    mse,
    relativeMse,
    sqnrDb: mse === 0 ? Infinity : 10 * Math.log10(signalPower / n / mse),
    maxAbsError,
    meanAbsError: n === 0 ? 0 : absError / n,
  };
}

/**
 * Histograms `values` divided by the absmax of their block (consecutive runs of `blockSize` in
 * flat order, the 4-bit layout), over [-1, 1]. Blocks whose absmax is 0 count as zeros.
 */
export function blockNormalizedHistogram(values: ArrayLike<number>, blockSize: number, bins = 200): Histogram {
  const normalized = new Float32Array(values.length);
  for (let start = 0; start < values.length; start += blockSize) {
    const end = Math.min(start + blockSize, values.length);
    let absmax = 0;
    for (let i = start; i < end; i++) absmax = Math.max(absmax, Math.abs(values[i]!));
    for (let i = start; i < end; i++) normalized[i] = absmax === 0 ? 0 : values[i]! / absmax;
  }
  return histogram(normalized, bins, { low: -1, high: 1 });
}
