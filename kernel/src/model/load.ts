/** `loadModelAndTokenizer`: the one call that loads a DNA model, quantized or not, with its tokenizer. */

import * as ort from "onnxruntime-node";

import { decodeModel, encodeModel, quantizeLinearWeights, readModelBytes, schemeName, type onnx, type WeightSchemeName } from "../onnx";
import { blockNormalizedHistogram, histogram, tensorStatistics } from "../quant";
import { DnaModel, type WeightLayer } from "./dna-model";
import { measureFootprint } from "./footprint";
import { resolveLoadOptions, type LoadOptions } from "./load-options";
import { readModelConfig } from "./model-files";
import { resolveModelSource, type SourceOptions } from "./model-source";
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
 * @param source one of: a model directory in the Hugging Face layout (`config.json`,
 *   `tokenizer.json`, and `model.onnx`, `onnx/model.onnx` or a file named by `onnxFile`); a path
 *   to an .onnx file (with `tokenizer.json` beside it, one folder up, or in `options.tokenizer`);
 *   a Hugging Face model id such as `owner/name`, resolved from the local hub cache or downloaded
 *   into it. Omitted or undefined loads the bundled tiny-dnabert2.
 * @param options `loadIn8bit`, `loadIn4bit`, `quantType`, `blockSize`, `deviceMap`,
 *   `quantizationConfig` and more; see {@link LoadOptions}.
 */
export async function loadModelAndTokenizer(source?: string, options: LoadOptions = {}): Promise<ModelAndTokenizer> {
  const model = await loadModel(source, options);
  if (!model.tokenizer) {
    throw new Error(
      `No tokenizer.json for ${model.onnxPath}. Put the model's tokenizer files beside it or pass options.tokenizer; for a model whose inputs are not token ids, use loadModel and model.run.`,
    );
  }
  return { model, tokenizer: model.tokenizer };
}

/**
 * Loads a model like {@link loadModelAndTokenizer}, but without requiring a tokenizer, for
 * models whose inputs are not token ids (one-hot DNA, k-mer counts). Run such a model with
 * `model.run(feeds)`.
 *
 * Steps: resolve the source to files, load the tokenizer when there is one, read the ONNX graph,
 * quantize each linear weight (dropping its float32 copy), then create the onnxruntime CPU
 * session from the rewritten graph.
 */
export async function loadModel(source?: string, options: LoadOptions = {}): Promise<DnaModel> {
  const started = performance.now();
  const resolved = resolveLoadOptions(options);

  // Files and tokenizer first: both fail fast and cheaply.
  const sourceFiles = await resolveModelSource(source, { ...pickSourceOptions(options), warn: resolved.warn });
  const { files } = sourceFiles;
  const config = readModelConfig(files);
  const tokenizer = sourceFiles.tokenizerDirectory !== undefined ? DnaTokenizer.fromDirectory(sourceFiles.tokenizerDirectory) : undefined;

  // Read the graph and quantize its linear weights, summarizing each weight as stored.
  const model = decodeModel(readModelBytes(files.onnxPath), files.onnxPath);
  const layers: WeightLayer[] = [];
  const quantization = await quantizeLinearWeights(model, resolved.scheme, (layer, stored, original) => {
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
    name: sourceFiles.name,
    directory: files.directory,
    onnxPath: files.onnxPath,
    config,
    scheme,
    ...(resolved.scheme && resolved.scheme.kind !== "int8" ? { blockSize: resolved.scheme.blockSize } : {}),
    layers,
    skipped: quantization.skipped,
    footprint,
    session,
    ...(tokenizer ? { tokenizer } : {}),
    warn: resolved.warn,
    report: {
      source: source ?? "(bundled tiny-dnabert2)",
      file: files.onnxPath,
      ...(sourceFiles.hub ? { hub: sourceFiles.hub } : {}),
      scheme,
      quantizedLayers: layers.filter((layer) => layer.scheme !== "fp32").length,
      skipped: quantization.skipped,
      loadSeconds: (performance.now() - started) / 1000,
    },
  });
  return dnaModel;
}

/** Picks the options that choose the source files. */
function pickSourceOptions(options: LoadOptions): Omit<SourceOptions, "warn"> {
  const { onnxFile, tokenizer, revision, onProgress } = options;
  return {
    ...(onnxFile !== undefined ? { onnxFile } : {}),
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    ...(revision !== undefined ? { revision } : {}),
    ...(onProgress !== undefined ? { onProgress } : {}),
  };
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
