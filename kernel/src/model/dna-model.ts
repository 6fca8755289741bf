/** The loaded model: an onnxruntime session with its weights' summary, footprint and tasks. */

import * as ort from "onnxruntime-node";

import { MODEL_MIME_TYPE, MODEL_PAYLOAD_VERSION, type Histogram, type ModelPayload, type NormalizedWeightHistogram, type TensorStatistics } from "../display/payloads";
import { MIME_BUNDLE_METHOD, type MimeBundle } from "../jupyter/display-channel";
import type { ExternalDataReader, LinearLayerInfo, onnx, SkippedLinearNode, WeightSchemeName } from "../onnx";
import { SAVED_ONNX_FILES, saveModelFiles, type SavedModel, type SaveOptions } from "./save";
import { classifySequences, type Classification } from "./tasks/classify";
import { embedSequences } from "./tasks/embed";
import { fillMask, type FillMaskOptions, type MaskPrediction } from "./tasks/fill-mask";
import { tokenLogits, type TokenLogits } from "./tasks/token-logits";
import type { BatchOptions, TaskContext } from "./tasks/run-batches";
import type { MemoryFootprint } from "./footprint";
import { DEFAULT_BLOCK_SIZE } from "./load-options";
import type { DnaTokenizer } from "./tokenizer";

/** One linear weight with the distribution of the values the model computes with. */
export interface WeightLayer extends LinearLayerInfo {
  statistics: TensorStatistics;
  histogram: Histogram;
  /** Histogram of the file's float32 weights divided by their block absmax. */
  normalized: NormalizedWeightHistogram;
}

/** Record of a load: the file read, the scheme, the weights quantized and those left in fp32 with the reason. */
export interface LoadReport {
  /** The source as given to the loader. */
  source: string;
  /** The ONNX file that was read. */
  file: string;
  /** Hub model id, commit and downloaded files, when the model came from the Hugging Face hub or cache. */
  hub?: { modelId: string; commit: string; downloaded: string[] };
  scheme: WeightSchemeName;
  /** Number of linear weights stored quantized. */
  quantizedLayers: number;
  /** Whether the file was already quantized, so the stored weights were used without re-quantizing. */
  preQuantized?: boolean;
  /** Linear-looking nodes and weights left in fp32, with the reason. */
  skipped: SkippedLinearNode[];
  /** Wall time of the load, in seconds. */
  loadSeconds: number;
}

/** A model's graph built again from its file, with the reader of its external data files. */
export interface RebuiltGraph {
  graph: onnx.ModelProto;
  externalData: ExternalDataReader;
}

/** Everything a {@link DnaModel} is built from. */
export interface DnaModelInit {
  name: string;
  directory: string;
  onnxPath: string;
  config: Record<string, unknown>;
  scheme: WeightSchemeName;
  blockSize?: number;
  layers: WeightLayer[];
  skipped: SkippedLinearNode[];
  footprint: MemoryFootprint;
  session: ort.InferenceSession;
  tokenizer?: DnaTokenizer;
  /** Directory of the tokenizer files, copied by `save`. */
  tokenizerDirectory?: string;
  warn: (message: string) => void;
  report: LoadReport;
  /**
   * Builds the graph the session runs again from the file, for `save`, with the reader of the
   * data files of its tensors still in external data.
   */
  rebuildGraph: () => Promise<RebuiltGraph>;
  /** Quantization settings, recorded as config.json's `quantization_config` by `save`. */
  quantizationSettings: Record<string, unknown>;
}

/** A DNA language model loaded with onnxruntime, with fp32, INT8 or 4-bit linear weights. */
export class DnaModel {
  /** Short label: the model directory's base name. */
  readonly name: string;
  readonly directory: string;
  /** The ONNX file that was read. */
  readonly onnxPath: string;
  /** Contents of config.json. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Storage scheme of the linear weights. */
  readonly scheme: WeightSchemeName;
  /** Block size of the 4-bit scheme. */
  readonly blockSize: number | undefined;
  /** Linear weights in graph order, with statistics and histograms of their stored values. */
  readonly layers: readonly WeightLayer[];
  /** MatMul and Gemm nodes with a constant weight that were left in fp32, with the reason. */
  readonly skipped: readonly SkippedLinearNode[];
  readonly session: ort.InferenceSession;
  /** The tokenizer, or undefined for a model whose inputs are not token ids. */
  readonly tokenizer: DnaTokenizer | undefined;
  /** Record of the load, shown when the model is displayed. */
  readonly loadReport: Readonly<LoadReport>;

  private readonly footprint: MemoryFootprint;
  private readonly warn: (message: string) => void;
  private readonly rebuildGraph: () => Promise<RebuiltGraph>;
  private readonly quantizationSettings: Record<string, unknown>;
  private readonly tokenizerDirectory: string | undefined;

  constructor(init: DnaModelInit) {
    this.name = init.name;
    this.directory = init.directory;
    this.onnxPath = init.onnxPath;
    this.config = Object.freeze({ ...init.config });
    this.scheme = init.scheme;
    this.blockSize = init.blockSize;
    this.layers = Object.freeze([...init.layers]);
    this.skipped = Object.freeze([...init.skipped]);
    this.footprint = init.footprint;
    this.session = init.session;
    this.tokenizer = init.tokenizer;
    this.warn = init.warn;
    this.loadReport = Object.freeze({ ...init.report });
    this.rebuildGraph = init.rebuildGraph;
    this.quantizationSettings = { ...init.quantizationSettings };
    this.tokenizerDirectory = init.tokenizerDirectory;
  }

  /**
   * Name of the scheme with the settings that tell two models of one scheme apart: a block size
   * other than the default and double quantization, such as `nf4, double quant` or
   * `int4, block 128`.
   */
  get schemeLabel(): string {
    const parts: string[] = [this.scheme];
    const defaultBlock = this.scheme === "nf4" || this.scheme === "fp4" || this.scheme === "int4" ? DEFAULT_BLOCK_SIZE[this.scheme] : undefined;
    if (this.blockSize !== undefined && this.blockSize !== defaultBlock) parts.push(`block ${this.blockSize}`);
    const settings = this.quantizationSettings;
    if (settings.bnb_4bit_use_double_quant === true || settings.double_quant === true) parts.push("double quant");
    return parts.join(", ");
  }

  /** Returns the bytes of all weights as the session stores them, with a breakdown by role. */
  getMemoryFootprint(): MemoryFootprint {
    return structuredClone(this.footprint);
  }

  /**
   * Embeds DNA sequences (mean-pooled last hidden state, padding excluded).
   * @returns one Float32Array of length hidden_size per sequence.
   */
  async embed(sequences: readonly string[], options: BatchOptions = {}): Promise<Float32Array[]> {
    return embedSequences(this.taskContext(), sequences, options);
  }

  /** Predicts the top-k tokens with probabilities at each `[MASK]` of each sequence. */
  async fillMask(sequences: readonly string[], options: FillMaskOptions = {}): Promise<MaskPrediction[][]> {
    return fillMask(this.taskContext(), sequences, options);
  }

  /**
   * Classifies DNA sequences with a sequence-classification model, using the labels of
   * `id2label` in config.json.
   */
  async classify(sequences: readonly string[], options: BatchOptions = {}): Promise<Classification[]> {
    return classifySequences(this.taskContext(), this.config, sequences, options);
  }

  /** Returns the logits of every token of each sequence (masked language models). */
  async tokenLogits(sequences: readonly string[], options: BatchOptions = {}): Promise<TokenLogits[]> {
    return tokenLogits(this.taskContext(), sequences, options);
  }

  /**
   * Runs the session on plain tensors, for models whose inputs are not token ids. Each feed is
   * an onnxruntime Tensor, or `{ data, dims }` with float32 or int64 data.
   * @returns the outputs by name.
   */
  async run(feeds: Record<string, ort.Tensor | { data: Float32Array | BigInt64Array | Int32Array; dims: readonly number[] }>): Promise<Record<string, ort.Tensor>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      if (!this.session.inputNames.includes(name)) {
        throw new RangeError(`This model has no input "${name}"; its inputs are ${this.session.inputNames.join(", ")}.`);
      }
      tensors[name] = feed instanceof ort.Tensor ? feed : new ort.Tensor(feed.data, feed.dims);
    }
    const missing = this.session.inputNames.filter((name) => !(name in tensors));
    if (missing.length > 0) throw new RangeError(`Missing input ${missing.join(", ")}; pass every input of the model: ${this.session.inputNames.join(", ")}.`);
    return this.session.run(tensors);
  }

  /**
   * Saves the model as it runs (quantized graph, config.json with `quantization_config`, tokenizer
   * files) into `directory`, atomically. The graph is built again from the source file, so no copy
   * of it is kept in memory between saves. The file name follows transformers.js's dtype
   * convention, such as `onnx/model_bnb4.onnx` for NF4; the saved model loads here without
   * re-quantizing and in plain onnxruntime-node. A graph over protobuf's 2 GiB limit is saved
   * with its larger tensors in `<onnx file>_data` beside it, copied tensor by tensor.
   */
  async save(directory: string, options: SaveOptions = {}): Promise<SavedModel> {
    if (typeof directory !== "string" || directory === "") throw new TypeError("save needs a directory path.");
    const { graph, externalData } = await this.rebuildGraph();
    return saveModelFiles(
      {
        scheme: this.scheme,
        graph,
        externalData,
        config: this.config,
        quantizationConfig: { ...this.quantizationSettings, onnx_file: SAVED_ONNX_FILES[this.scheme] },
        ...(this.tokenizerDirectory !== undefined ? { tokenizerDirectory: this.tokenizerDirectory } : {}),
      },
      directory,
      options,
    );
  }

  /** Sends a warning through the callback given at load time (default `console.warn`). */
  warnCallback(message: string): void {
    this.warn(message);
  }

  /** Releases the onnxruntime session; the model cannot run afterwards. */
  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** Returns a one-paragraph text summary: scheme, layers and footprint. */
  describe(): string {
    const { totalBytes, linearWeights } = this.footprint;
    const scheme = this.blockSize === undefined ? this.scheme : `${this.scheme}, block ${this.blockSize}`;
    const ratio = linearWeights.fp32Bytes > 0 ? linearWeights.storedBytes / linearWeights.fp32Bytes : 1;
    return [
      `DnaModel ${this.name} (${scheme}) from ${this.onnxPath}, loaded in ${this.loadReport.loadSeconds.toFixed(2)} s`,
      `  linear weights: ${linearWeights.quantizedCount} of ${linearWeights.count} quantized, ${formatBytes(linearWeights.storedBytes)} (${ratio.toFixed(3)}x of fp32 ${formatBytes(linearWeights.fp32Bytes)})`,
      `  all weights: ${formatBytes(totalBytes)}`,
      ...(this.skipped.length > 0 ? [`  left in fp32: ${this.skipped.map((entry) => `${entry.name} (${entry.reason})`).join("; ")}`] : []),
    ].join("\n");
  }

  /** Returns the summary payload: load report, layers and footprint, as plain data. */
  summary(): ModelPayload {
    const { report, footprint } = { report: this.loadReport, footprint: this.footprint };
    return {
      version: MODEL_PAYLOAD_VERSION,
      name: this.name,
      source: report.source,
      file: report.file,
      ...(report.hub ? { hub: { ...report.hub, downloaded: [...report.hub.downloaded] } } : {}),
      scheme: this.scheme,
      ...(this.blockSize !== undefined ? { blockSize: this.blockSize } : {}),
      layers: this.layers.map((layer) => ({
        name: layer.name,
        weightName: layer.weightName,
        shape: [layer.inFeatures, layer.outFeatures],
        scheme: layer.scheme,
        storedBytes: layer.storedBytes,
        fp32Bytes: layer.fp32Bytes,
      })),
      skipped: this.skipped.map((entry) => ({ ...entry })),
      footprint: {
        totalBytes: footprint.totalBytes,
        quantizedWeightBytes: footprint.quantizedWeightBytes,
        quantizationMetadataBytes: footprint.quantizationMetadataBytes,
        unquantizedBytes: footprint.unquantizedBytes,
        linearFp32Bytes: footprint.linearWeights.fp32Bytes,
        linearStoredBytes: footprint.linearWeights.storedBytes,
      },
      loadSeconds: report.loadSeconds,
    };
  }

  /**
   * Returns the bundle the dnaquant kernel shows when the model is a cell's last expression: the
   * summary payload (rendered by the dnaquant JupyterLab extension) and the text summary.
   */
  [MIME_BUNDLE_METHOD](): MimeBundle {
    return { data: { [MODEL_MIME_TYPE]: this.summary(), "text/plain": this.describe() } };
  }

  private taskContext(): TaskContext {
    if (!this.tokenizer) {
      throw new Error(`${this.name} has no tokenizer, so DNA tasks cannot run; use model.run with tensors, or load it with a tokenizer.json.`);
    }
    return { session: this.session, tokenizer: this.tokenizer, warn: this.warn };
  }
}

/** Formats a byte count with binary units, such as `1.25 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}
