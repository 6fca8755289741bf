/**
 * MIME types and JSON payloads that the kernel sends and the JupyterLab extension renders.
 *
 * This module is the single definition of every payload shape: the kernel package builds them
 * and the extension imports these types. It has no runtime dependencies so that a browser
 * bundle can import it.
 */

/** MIME type of the per-layer weight-distribution output. */
export const WEIGHTS_MIME_TYPE = "application/vnd.dnaquant.weights+json";

/** Version of the weights payload; a renderer rejects versions it does not know. */
export const WEIGHTS_PAYLOAD_VERSION = 1;

/**
 * Histogram with `counts.length` bins of equal width.
 * Invariant: `edges.length === counts.length + 1`, edges increase strictly, and bin `i`
 * covers `[edges[i], edges[i + 1])` except the last, which also includes its right edge.
 */
export interface Histogram {
  /** Bin edges in the unit of the histogrammed values, ascending. */
  edges: number[];
  /** Number of values in each bin. */
  counts: number[];
}

/** Summary statistics of one tensor, computed over all of its elements. */
export interface TensorStatistics {
  /** Number of elements. */
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** Distribution of one linear weight as the model stores it. */
export interface WeightLayerPayload {
  /** Layer name: the ONNX node name of the MatMul or Gemm, such as `/layers.0/Wqkv/MatMul`. */
  name: string;
  /** Name of the weight tensor in the original graph. */
  weightName: string;
  /** Weight shape as ONNX MatMul's B input, `[K, N]` (inputs by outputs). */
  shape: number[];
  /** Storage scheme of this weight: `"fp32"` when it was kept, otherwise the quantization scheme. */
  scheme: string;
  /** Statistics of the values the model computes with (dequantized for quantized weights). */
  statistics: TensorStatistics;
  /** Histogram of the same values. */
  histogram: Histogram;
}

/** Payload of {@link WEIGHTS_MIME_TYPE}. */
export interface WeightsPayload {
  version: typeof WEIGHTS_PAYLOAD_VERSION;
  /** Short model label, such as the source directory's base name. */
  model: string;
  /** Model-wide scheme: `"fp32"`, `"int8"`, `"nf4"` or `"fp4"`. */
  scheme: string;
  /** One entry per linear weight, in graph order. */
  layers: WeightLayerPayload[];
}
