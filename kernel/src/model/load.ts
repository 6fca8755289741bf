/** `loadModelAndTokenizer`: the one call that loads a DNA model, quantized or not, with its tokenizer. */

import * as fs from "node:fs";
import * as path from "node:path";

import * as ort from "onnxruntime-node";

import { decodeModel, encodeModel, quantizeLinearWeights, schemeName, type onnx, type WeightSchemeName } from "../onnx";
import { blockNormalizedHistogram, histogram, tensorStatistics } from "../quant";
import { DnaModel, type WeightLayer } from "./dna-model";
import { measureFootprint } from "./footprint";
import { resolveLoadOptions, type LoadOptions } from "./load-options";
import { BUNDLED_MODEL_DIR, readModelConfig, resolveModelFiles } from "./model-files";
import { DnaTokenizer } from "./tokenizer";

/** Number of bins of the weight histograms computed at load time. */
export const WEIGHT_HISTOGRAM_BINS = 80;

/** Block size and bins of the block-normalized histograms computed at load time (bitsandbytes' default block). */
export const NORMALIZED_HISTOGRAM = Object.freeze({ blockSize: 64, bins: 200 });

/** A loaded model and its tokenizer. */
export interface ModelAndTokenizer {
  model: DnaModel;
  tokenizer: DnaTokenizer;
}

/**
 * Loads a DNA language model and its tokenizer, quantizing the linear weights when asked.
 *
 * Steps: resolve the model files, load the tokenizer, read the ONNX graph, quantize each linear
 * weight (dropping its float32 copy), then create the onnxruntime CPU session from the rewritten
 * graph.
 *
 * @param source model directory in the Hugging Face layout (`config.json`, `tokenizer.json`,
 *   `model.onnx` or `onnx/model.onnx`); omitted or undefined loads the bundled tiny-dnabert2.
 * @param options `loadIn8bit`, `loadIn4bit`, `quantType`, `blockSize`, `deviceMap`; see {@link LoadOptions}.
 */
export async function loadModelAndTokenizer(source?: string, options: LoadOptions = {}): Promise<ModelAndTokenizer> {
  const resolved = resolveLoadOptions(options);
  if (source !== undefined && typeof source !== "string") {
    throw new TypeError(`source must be a model directory path (a string), got ${typeof source}.`);
  }

  // Files and tokenizer first: both fail fast and cheaply.
  const files = resolveModelFiles(source ?? BUNDLED_MODEL_DIR);
  const config = readModelConfig(files);
  const tokenizer = DnaTokenizer.fromDirectory(files.directory);

  // Read the graph and quantize its linear weights, summarizing each weight as stored.
  const model = decodeModel(fs.readFileSync(files.onnxPath), files.onnxPath);
  const layers: WeightLayer[] = [];
  const quantization = quantizeLinearWeights(model, resolved.scheme, (layer, stored, original) => {
    layers.push({
      ...layer,
      statistics: tensorStatistics(stored),
      histogram: histogram(stored, WEIGHT_HISTOGRAM_BINS),
      normalized: {
        blockSize: NORMALIZED_HISTOGRAM.blockSize,
        histogram: blockNormalizedHistogram(original, NORMALIZED_HISTOGRAM.blockSize, NORMALIZED_HISTOGRAM.bins),
      },
    });
  });
  const footprint = measureFootprint(model.graph!, quantization);

  // Create the session from the rewritten graph; its bytes are released after this call.
  const session = await createSession(model, files.onnxPath, resolved.numThreads, quantization.overridableInputs.length > 0);
  const scheme: WeightSchemeName = schemeName(resolved.scheme);
  const dnaModel = new DnaModel({
    name: path.basename(files.directory),
    directory: files.directory,
    onnxPath: files.onnxPath,
    config,
    scheme,
    ...(resolved.scheme && resolved.scheme.kind !== "int8" ? { blockSize: resolved.scheme.blockSize } : {}),
    layers,
    skipped: quantization.skipped,
    footprint,
    session,
    tokenizer,
    warn: resolved.warn,
  });
  return { model: dnaModel, tokenizer };
}

async function createSession(model: onnx.IModelProto, onnxPath: string, numThreads: number | undefined, hasOverridableInputs: boolean): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    // Double quantization declares its absmax codes as graph inputs on purpose, which makes
    // onnxruntime warn once per layer; errors are still logged.
    ...(hasOverridableInputs ? { logSeverityLevel: 3 as const } : {}),
    ...(numThreads !== undefined ? { intraOpNumThreads: numThreads } : {}),
  };
  try {
    return await ort.InferenceSession.create(encodeModel(model), options);
  } catch (error) {
    throw new Error(`onnxruntime could not load ${onnxPath}: ${(error as Error).message}. The file may be truncated or use operators this onnxruntime build lacks; export it again.`);
  }
}
