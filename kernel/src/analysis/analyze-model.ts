/**
 * `analyzeQuantizationError`: per-layer, per-scheme quantization error of a model's linear
 * weights, as the payload the error view renders.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ERROR_PAYLOAD_VERSION, type ErrorLayerPayload, type ErrorPayload } from "../display/payloads";
import { decodeModel, ExternalDataReader, findLinearWeights, indexGraph, readWeightOutIn } from "../onnx";
import { DnaModel } from "../model/dna-model";
import { resolveModelFiles } from "../model/model-files";
import { sharedWorkerPool, siblingWorkerScript } from "../workers/worker-pool";
import { analyzeLayer, ERROR_HISTOGRAM_BINS, type LayerErrors } from "./analyze-layer";
import type { LayerRequest, LayerResult } from "./layer-task";
import { DEFAULT_ANALYSIS_SCHEMES, describeScheme, resolveScheme, type AnalysisSchemeInput, type ResolvedScheme } from "./schemes";

/** A weight given directly: `[rows, cols]` row-major, rows being output channels. */
export interface WeightMatrix {
  name: string;
  values: Float32Array;
  rows: number;
  cols: number;
}

/** Source of the weights to analyze: a model directory, a loaded model (its ONNX file is read again), or weight matrices. */
export type AnalysisSource = string | DnaModel | readonly WeightMatrix[];

/** Options of {@link analyzeQuantizationError}. */
export interface AnalysisOptions {
  /** Schemes to compare (default INT8 per row, NF4 and FP4 block 64, int4 block 32). */
  schemes?: readonly AnalysisSchemeInput[];
  /** Bins of the weight and error histograms (default 64). */
  bins?: number;
  /**
   * Worker threads (default: one per core, at most 4, when there are more than
   * {@link PARALLEL_LAYER_THRESHOLD} layers; 0 analyzes on the calling thread).
   */
  workers?: number;
  /** Called after each layer with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Layer count above which the analysis uses worker threads by default. */
export const PARALLEL_LAYER_THRESHOLD = 4;

/** One weight to analyze, read lazily so that only in-flight weights are in memory. */
interface PendingLayer {
  name: string;
  weightName: string;
  /** `[K, N]` as MatMul's B. */
  shape: number[];
  rows: number;
  cols: number;
  read(): Float32Array;
}

/**
 * Computes, for every linear weight and scheme, MSE, relative MSE, SQNR, max and mean absolute
 * error and the error histogram. Each worker has one weight and one dequantized copy in memory at a time.
 */
export async function analyzeQuantizationError(source: AnalysisSource, options: AnalysisOptions = {}): Promise<ErrorPayload> {
  const { schemes: schemeInputs = DEFAULT_ANALYSIS_SCHEMES, bins = ERROR_HISTOGRAM_BINS, onProgress } = options;
  if (!Array.isArray(schemeInputs) || schemeInputs.length === 0) throw new TypeError("schemes must be a non-empty array of scheme names or objects.");
  const schemes = schemeInputs.map(resolveScheme);
  const { model, layers } = listLayers(source);
  const workerCount = options.workers ?? (layers.length > PARALLEL_LAYER_THRESHOLD ? Math.min(4, os.availableParallelism()) : 0);
  if (!Number.isInteger(workerCount) || workerCount < 0) throw new RangeError(`workers must be a non-negative integer, got ${String(options.workers)}.`);

  const results = new Array<LayerErrors>(layers.length);
  let done = 0;
  const record = (index: number, result: LayerErrors) => {
    results[index] = result;
    onProgress?.(++done, layers.length);
  };

  if (workerCount === 0) {
    layers.forEach((layer, index) => record(index, analyzeLayer(layer.read(), layer.rows, layer.cols, schemes, layer.name, bins)));
  } else {
    await analyzeInWorkers(layers, schemes, bins, workerCount, record);
  }

  const payloadLayers: ErrorLayerPayload[] = layers.map((layer, index) => ({
    name: layer.name,
    weightName: layer.weightName,
    shape: layer.shape,
    ...results[index]!,
  }));
  const typicalCols = layers[0]?.cols;
  return { version: ERROR_PAYLOAD_VERSION, model, schemes: schemes.map((scheme) => describeScheme(scheme, typicalCols)), layers: payloadLayers };
}

async function analyzeInWorkers(
  layers: PendingLayer[],
  schemes: ResolvedScheme[],
  bins: number,
  workerCount: number,
  record: (index: number, result: LayerErrors) => void,
): Promise<void> {
  const pool = sharedWorkerPool<LayerRequest, LayerResult>(siblingWorkerScript(__filename, "analysis-worker"), workerCount);

  // Read a weight only when a worker is free for it, so at most workerCount copies exist. After
  // the first error no weight is read, and the call rejects once the others have come back.
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const lane = async () => {
    while (next < layers.length && !firstError) {
      const index = next++;
      try {
        const layer = layers[index]!;
        const values = layer.read();
        const request: LayerRequest = { name: layer.name, values, rows: layer.rows, cols: layer.cols, schemes, bins };
        record(index, await pool.run(request, [values.buffer as ArrayBuffer]));
      } catch (error) {
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: workerCount }, lane));
  if (firstError) throw firstError.error;
}

function listLayers(source: AnalysisSource): { model: string; layers: PendingLayer[] } {
  if (Array.isArray(source)) {
    const weights = source as readonly WeightMatrix[];
    return {
      model: "weights",
      layers: weights.map((weight, index) => {
        if (!(weight?.values instanceof Float32Array) || weight.values.length !== weight.rows * weight.cols) {
          throw new TypeError(`Weight ${index} (${String(weight?.name)}) must have a Float32Array of rows * cols values.`);
        }
        return { name: weight.name, weightName: weight.name, shape: [weight.cols, weight.rows], rows: weight.rows, cols: weight.cols, read: () => weight.values.slice() };
      }),
    };
  }
  let onnxPath: string | undefined;
  if (source instanceof DnaModel) onnxPath = source.onnxPath;
  else if (typeof source === "string") onnxPath = onnxFileOf(source);
  if (!onnxPath) throw new TypeError("source must be a model directory, an .onnx file, a loaded DnaModel or an array of weight matrices.");
  const model = decodeModel(fs.readFileSync(onnxPath), onnxPath);
  const graph = model.graph!;
  const { weights } = findLinearWeights(graph, indexGraph(graph));
  const externalData = new ExternalDataReader(onnxPath);
  const name = source instanceof DnaModel ? source.name : path.basename(path.dirname(onnxPath));
  return {
    model: name,
    layers: weights.map((weight) => ({
      name: weight.nodes[0]!.name,
      weightName: weight.weightName,
      shape: [weight.inFeatures, weight.outFeatures],
      rows: weight.outFeatures,
      cols: weight.inFeatures,
      read: () => readWeightOutIn(weight, externalData),
    })),
  };
}

function onnxFileOf(source: string): string {
  if (source.endsWith(".onnx")) {
    if (!fs.existsSync(source)) throw new Error(`ONNX file not found: ${path.resolve(source)}. Check the path.`);
    return path.resolve(source);
  }
  return resolveModelFiles(source).onnxPath;
}
