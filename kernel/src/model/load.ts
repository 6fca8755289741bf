/** `loadModelAndTokenizer`: the one call that loads a DNA model, quantized or not, with its tokenizer. */

import {
  checkOperatorDomains,
  decodeModel,
  ExternalDataReader,
  hasQuantizedLinearNodes,
  quantizeLinearWeights,
  readModelBytes,
  readQuantizedGraph,
  schemeName,
  type GraphQuantizationResult,
  type LinearWeight,
  type onnx,
  type WeightInspector,
  type WeightScheme,
  type WeightSchemeName,
} from "../onnx";
import { blockNormalizedHistogram, histogram, tensorStatistics } from "../quant";
import { DnaModel, type WeightLayer } from "./dna-model";
import { measureFootprint } from "./footprint";
import { resolveLoadOptions, type LoadOptions } from "./load-options";
import { readModelConfig } from "./model-files";
import { resolveModelSource, type SourceOptions } from "./model-source";
import { createSession } from "./session";
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
 *
 * Weights in external data files (`location` relative to the .onnx file) are read and quantized
 * one at a time, so the float32 model is never in memory as a whole. onnxruntime loads a graph
 * left as the file has it (float32, or saved quantized) from the file path. `createSession` in
 * session.ts describes the other cases.
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
  const recipe: GraphRecipe = { onnxPath: files.onnxPath, scheme: resolved.scheme, skipModules: resolved.skipModules };
  const prepared = await prepareGraph(recipe, resolved.warn, true);
  const { graph, quantization, layers } = prepared;
  const footprint = measureFootprint(graph.graph!, quantization);

  // Create the session from the rewritten graph; its bytes are released after this call.
  const { session } = await createSession(
    { model: graph, onnxPath: files.onnxPath, externalData: prepared.externalData, unchanged: prepared.unchanged },
    { ...(resolved.numThreads !== undefined ? { numThreads: resolved.numThreads } : {}), hasOverridableInputs: quantization.overridableInputs.length > 0 },
  );
  return new DnaModel({
    name: sourceFiles.name,
    directory: files.directory,
    onnxPath: files.onnxPath,
    config,
    scheme: prepared.scheme,
    ...(prepared.blockSize !== undefined ? { blockSize: prepared.blockSize } : {}),
    layers,
    skipped: quantization.skipped,
    footprint,
    session,
    ...(tokenizer ? { tokenizer } : {}),
    ...(sourceFiles.tokenizerDirectory !== undefined ? { tokenizerDirectory: sourceFiles.tokenizerDirectory } : {}),
    warn: resolved.warn,
    rebuildGraph: async () => {
      const rebuilt = await prepareGraph(recipe, () => {}, false);
      return { graph: rebuilt.graph, externalData: rebuilt.externalData };
    },
    quantizationSettings: prepared.settings,
    report: {
      source: source ?? "(bundled tiny-dnabert2)",
      file: files.onnxPath,
      ...(sourceFiles.hub ? { hub: sourceFiles.hub } : {}),
      scheme: prepared.scheme,
      quantizedLayers: layers.filter((layer) => layer.scheme !== "fp32").length,
      ...(prepared.preQuantized ? { preQuantized: true } : {}),
      skipped: quantization.skipped,
      loadSeconds: (performance.now() - started) / 1000,
    },
  });
}

/** Inputs that rebuild a model's graph: the file, the scheme and the test for weights kept in fp32. */
interface GraphRecipe {
  onnxPath: string;
  scheme: WeightScheme | null;
  skipModules: (names: readonly string[]) => boolean;
}

/** A graph ready for onnxruntime, with what quantization did to it. */
interface PreparedGraph {
  graph: onnx.ModelProto;
  /** Reader of the data files of the tensors still in external data. */
  externalData: ExternalDataReader;
  /** Whether nothing was rewritten, so the graph is the file's own. */
  unchanged: boolean;
  quantization: GraphQuantizationResult;
  layers: WeightLayer[];
  scheme: WeightSchemeName;
  blockSize?: number;
  /** Whether the file was already quantized, so nothing was rewritten. */
  preQuantized: boolean;
  /** Settings recorded in a saved config.json's `quantization_config`. */
  settings: Record<string, unknown>;
}

/**
 * Reads the ONNX file and quantizes its linear weights with the recipe's scheme, or reads the
 * quantized weights of a file that is already quantized. With `summarize`, computes each
 * weight's statistics and histograms.
 */
async function prepareGraph(recipe: GraphRecipe, warn: (message: string) => void, summarize: boolean): Promise<PreparedGraph> {
  const graph = decodeModel(readModelBytes(recipe.onnxPath), recipe.onnxPath);
  checkOperatorDomains(graph, recipe.onnxPath);

  // Check every external data reference before any work, so that a missing or short data file
  // fails at once, naming the tensor and the file.
  const externalData = new ExternalDataReader(recipe.onnxPath);
  externalData.validate(graph);
  const summaries = new Map<string, WeightLayer>();
  const inspect: WeightInspector | undefined = summarize
    ? (layer, stored, original) => {
        summaries.set(layer.name, {
          ...layer,
          statistics: tensorStatistics(stored),
          histogram: histogram(stored, WEIGHT_HISTOGRAM_BINS),
          normalized: {
            blockSize: NORMALIZED_HISTOGRAM.blockSize,
            histogram: blockNormalizedHistogram(original, NORMALIZED_HISTOGRAM.blockSize, NORMALIZED_HISTOGRAM.bins),
          },
        });
      }
    : undefined;

  // A file saved quantized (by dnaquant or onnxruntime's tools) is used as it is.
  if (hasQuantizedLinearNodes(graph.graph!)) {
    if (recipe.scheme) warn(`${recipe.onnxPath} is already quantized; the requested ${schemeName(recipe.scheme)} scheme is ignored and the stored weights are used.`);
    const read = readQuantizedGraph(graph.graph!, inspect, externalData);
    const layers = read.layers.map((layer) => summaries.get(layer.name)).filter((layer): layer is WeightLayer => layer !== undefined);
    const settings = { scheme: read.scheme, ...(read.blockSize !== undefined ? { block_size: read.blockSize } : {}), ...(read.doubleQuant ? { double_quant: true } : {}) };
    return {
      graph,
      externalData,
      unchanged: true,
      quantization: read,
      layers,
      scheme: read.scheme,
      ...(read.blockSize !== undefined ? { blockSize: read.blockSize } : {}),
      preQuantized: true,
      settings: quantizationSettings(recipe.scheme ?? null, read.scheme, settings),
    };
  }

  const keepInFloat32 = (weight: LinearWeight) => (recipe.skipModules([...weight.nodes.map((node) => node.name), weight.weightName]) ? "matched skipModules" : undefined);
  const quantization = await quantizeLinearWeights(graph, recipe.scheme, inspect, { keepInFloat32, externalData });
  const layers = quantization.layers.map((layer) => summaries.get(layer.name)).filter((layer): layer is WeightLayer => layer !== undefined);
  const scheme = schemeName(recipe.scheme);
  return {
    graph,
    externalData,
    unchanged: !quantization.layers.some((layer) => layer.scheme !== "fp32"),
    quantization,
    layers,
    scheme,
    ...(recipe.scheme && recipe.scheme.kind !== "int8" ? { blockSize: recipe.scheme.blockSize } : {}),
    preQuantized: false,
    settings: quantizationSettings(recipe.scheme, scheme, {}),
  };
}

/**
 * Describes a scheme as config.json's `quantization_config`, with bitsandbytes' keys where they
 * apply, so that a saved model records how it was quantized.
 */
function quantizationSettings(scheme: WeightScheme | null, name: WeightSchemeName, read: Record<string, unknown>): Record<string, unknown> {
  const settings: Record<string, unknown> = { quant_method: "dnaquant", scheme: name, ...read };
  if (scheme?.kind === "int8") Object.assign(settings, { load_in_8bit: true });
  if (scheme?.kind === "4bit") {
    Object.assign(settings, { load_in_4bit: true, bnb_4bit_quant_type: scheme.type, bnb_4bit_use_double_quant: scheme.doubleQuant ?? false, block_size: scheme.blockSize });
  }
  if (scheme?.kind === "int4") Object.assign(settings, { load_in_4bit: true, block_size: scheme.blockSize, symmetric: scheme.symmetric, accuracy_level: scheme.accuracyLevel });
  return settings;
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
