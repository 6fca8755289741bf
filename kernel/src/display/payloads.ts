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
  /** Histogram of the float32 weights divided by their block absmax, when computed. */
  normalized?: NormalizedWeightHistogram;
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
  /** Code levels for the normalized histograms, present when any layer has one. */
  codeLevels?: CodeLevels;
}

/**
 * Histogram of one weight's values divided by the absmax of their block, so that they lie in
 * [-1, 1] where the 4-bit code levels and the INT8 grid are drawn.
 */
export interface NormalizedWeightHistogram {
  /** Block size of the normalization (values per absmax). */
  blockSize: number;
  /** Histogram over [-1, 1]. */
  histogram: Histogram;
}

/** Code levels drawn over normalized weight histograms, on the [-1, 1] scale. */
export interface CodeLevels {
  /** The 16 NF4 code values, ascending. */
  nf4: number[];
  /** The 16 FP4 code values by code (not sorted; 0 appears twice as +0 and -0). */
  fp4: number[];
  /** Spacing of the symmetric INT8 grid: 1 / 127. */
  int8Step: number;
}

/** MIME type of the quantization-error output. */
export const ERROR_MIME_TYPE = "application/vnd.dnaquant.error+json";

/** Version of the error payload; a renderer rejects versions it does not know. */
export const ERROR_PAYLOAD_VERSION = 1;

/** One quantization scheme compared in an error payload. */
export interface ErrorSchemePayload {
  /** Identifier used as key in the per-layer maps, such as `nf4-64` or `int8-row`. */
  id: string;
  /** Label for legends, such as `NF4 (block 64)`. */
  label: string;
  /** Scheme family: `int8`, `nf4`, `fp4` or `int4`. */
  kind: string;
  /** Block size of block-wise schemes. */
  blockSize?: number;
  /** Storage cost in bits per weight, metadata included. */
  bitsPerWeight: number;
}

/**
 * Error of one scheme on one layer. All values are in the unit of the weights except where noted.
 *
 * JSON has no Infinity, and JSON.stringify writes it as null, so the two ratios that can be
 * infinite are typed `number | null`. The kernel may hold Infinity, and a renderer receives null.
 */
export interface ErrorMetricsPayload {
  mse: number;
  /**
   * MSE divided by the weights' population variance (unitless). Infinite (null in JSON) when the
   * weights are constant and the error is not zero.
   */
  relativeMse: number | null;
  /** Signal-to-quantization-noise ratio in dB. Infinite (null in JSON) when the error is zero. */
  sqnrDb: number | null;
  maxAbsError: number;
  meanAbsError: number;
}

/** Errors of every scheme on one linear weight. */
export interface ErrorLayerPayload {
  /** Layer name, as in {@link WeightLayerPayload.name}. */
  name: string;
  weightName: string;
  /** `[K, N]` as MatMul's B. */
  shape: number[];
  /** Histogram of the float32 weights. */
  weightHistogram: Histogram;
  /** Metrics keyed by {@link ErrorSchemePayload.id}. */
  metrics: Record<string, ErrorMetricsPayload>;
  /** Histogram of `dequantized - original` keyed by scheme id. */
  errorHistograms: Record<string, Histogram>;
}

/** Payload of {@link ERROR_MIME_TYPE}. */
export interface ErrorPayload {
  version: typeof ERROR_PAYLOAD_VERSION;
  model: string;
  schemes: ErrorSchemePayload[];
  /** One entry per linear weight, in graph order. */
  layers: ErrorLayerPayload[];
}

/** MIME type of the agreement output: quantized models against their fp32 reference. */
export const AGREEMENT_MIME_TYPE = "application/vnd.dnaquant.agreement+json";

/** Version of the agreement payload; a renderer rejects versions it does not know. */
export const AGREEMENT_PAYLOAD_VERSION = 1;

/** Agreement of one quantized model with the fp32 reference. Absent metrics were not measured. */
export interface AgreementRowPayload {
  /** Scheme of the quantized model, such as `nf4`. */
  scheme: string;
  /** Number of sequences compared. */
  sequences: number;
  /** Mean and minimum cosine of mean-pooled embeddings (unitless, 1 is identical). */
  meanCosine?: number;
  minCosine?: number;
  /** Share of masked positions (MLM) or sequences (classifier) with the same top-1 prediction, 0 to 1. */
  top1Agreement?: number;
  /** Mean KL divergence of the output distributions from fp32, in nats. */
  meanKl?: number;
  /** Masked positions compared (masked language models). */
  maskedPositions?: number;
  /** Bytes of all weights as the session stores them, when known. */
  footprintBytes?: number;
  /** One message per threshold crossed; empty when the model agrees. */
  warnings: string[];
}

/** Payload of {@link AGREEMENT_MIME_TYPE}. */
export interface AgreementPayload {
  version: typeof AGREEMENT_PAYLOAD_VERSION;
  model: string;
  rows: AgreementRowPayload[];
}

/** MIME type of a loaded model's summary: its load report and footprint. */
export const MODEL_MIME_TYPE = "application/vnd.dnaquant.model+json";

/** Version of the model payload; a renderer rejects versions it does not know. */
export const MODEL_PAYLOAD_VERSION = 1;

/** Payload of {@link MODEL_MIME_TYPE}, sent when a model is the last expression of a cell. */
export interface ModelPayload {
  version: typeof MODEL_PAYLOAD_VERSION;
  /** Model name: directory name or hub model id. */
  name: string;
  /** The source as given to the loader. */
  source: string;
  /** The ONNX file that was read. */
  file: string;
  /** Hub model id and commit when the model came from the Hugging Face hub or cache. */
  hub?: { modelId: string; commit: string; downloaded: string[] };
  /** Storage scheme of the linear weights: `fp32`, `int8`, `nf4`, `fp4` or `int4`. */
  scheme: string;
  blockSize?: number;
  /** Linear weights in graph order with the scheme each is stored in. */
  layers: { name: string; weightName: string; shape: number[]; scheme: string; storedBytes: number; fp32Bytes: number }[];
  /** Linear-looking nodes and weights left in fp32, with the reason. */
  skipped: { name: string; reason: string }[];
  /** Bytes of the stored tensors by role. */
  footprint: {
    totalBytes: number;
    quantizedWeightBytes: number;
    quantizationMetadataBytes: number;
    unquantizedBytes: number;
    linearFp32Bytes: number;
    linearStoredBytes: number;
  };
  /** Wall time of the load in seconds. */
  loadSeconds: number;
}
