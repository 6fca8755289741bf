/**
 * Saving a loaded model: its quantized ONNX graph, config.json with the quantization settings,
 * and its tokenizer files, written atomically into a directory in the Hugging Face layout.
 *
 * File names follow transformers.js's convention for each dtype, so that transformers.js loads
 * the saved model with the matching `dtype`: `onnx/model.onnx` (fp32), `onnx/model_quantized.onnx`
 * (8-bit), `onnx/model_bnb4.onnx` (NF4 and FP4) and `onnx/model_q4.onnx` (int4). A graph too
 * large for one protobuf keeps its tensors in `<onnx file>_data` beside it, as transformers.js
 * and onnxruntime expect.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import {
  encodeModel,
  EXTERNAL_DATA_ALIGNMENT,
  EXTERNAL_DATA_MIN_BYTES,
  ExternalDataWriter,
  inlineExternalData,
  inlineModelSize,
  moveTensorsToExternalData,
  type ExternalDataReader,
  type onnx,
  type WeightSchemeName,
} from "../onnx";

/** ONNX file written for each scheme, relative to the saved directory. */
export const SAVED_ONNX_FILES: Readonly<Record<WeightSchemeName, string>> = Object.freeze({
  fp32: "onnx/model.onnx",
  int8: "onnx/model_quantized.onnx",
  nf4: "onnx/model_bnb4.onnx",
  fp4: "onnx/model_bnb4.onnx",
  int4: "onnx/model_q4.onnx",
});

/** Tokenizer files copied next to the saved graph when they exist. */
export const TOKENIZER_FILES: readonly string[] = Object.freeze(["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]);

/** Largest protobuf onnxruntime and ONNX accept in one file: 2 GiB. */
export const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 1;

/** Options of {@link saveModelFiles}. */
export interface SaveOptions {
  /** Replace an existing non-empty directory (default false). */
  overwrite?: boolean;
  /**
   * Largest size in bytes of the graph with every tensor inside it. A larger graph keeps every
   * tensor of at least 1 KiB in `<onnx file>_data` beside it, at offsets aligned to 4096 bytes.
   * Default and maximum {@link PROTOBUF_LIMIT_BYTES}; 0 always writes external data.
   */
  externalDataThreshold?: number;
}

/** Model parts that {@link saveModelFiles} writes. */
export interface SaveInput {
  scheme: WeightSchemeName;
  /** The rewritten graph, as the session runs it. Its tensors are left as they were after the call. */
  graph: onnx.IModelProto;
  /** Reader of the data files of graph tensors still in external data, whose bytes are copied. */
  externalData?: ExternalDataReader;
  /** config.json contents to extend with `quantization_config`. */
  config: Readonly<Record<string, unknown>>;
  /** Settings recorded in `quantization_config`. */
  quantizationConfig: Record<string, unknown>;
  /** Directory of the tokenizer files, if any. */
  tokenizerDirectory?: string;
}

/** Files written by {@link saveModelFiles}, relative to the directory. */
export interface SavedModel {
  directory: string;
  onnxFile: string;
  /** The external data file beside `onnxFile`, when the graph was too large for one protobuf. */
  externalDataFile?: string;
  files: string[];
}

/**
 * Writes the model files into `directory` atomically: everything is written into a temporary
 * sibling directory, which replaces `directory` by rename only when complete. A failure leaves
 * `directory` as it was and removes the temporary files.
 * @throws Error naming the directory when it exists, is not empty and `overwrite` is not set;
 *   RangeError for an invalid `externalDataThreshold`.
 */
export function saveModelFiles(input: SaveInput, directory: string, options: SaveOptions = {}): SavedModel {
  const { externalDataThreshold = PROTOBUF_LIMIT_BYTES } = options;
  if (!Number.isSafeInteger(externalDataThreshold) || externalDataThreshold < 0) {
    throw new RangeError(`externalDataThreshold must be a non-negative integer number of bytes (at most ${PROTOBUF_LIMIT_BYTES}), got ${String(externalDataThreshold)}.`);
  }
  const target = path.resolve(directory);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new Error(`Cannot save to ${target}: it is a file. Choose a directory path.`);
    if (fs.readdirSync(target).length > 0 && !options.overwrite) {
      throw new Error(`Cannot save to ${target}: the directory is not empty. Pass { overwrite: true } to replace it, or choose another directory.`);
    }
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const staging = fs.mkdtempSync(`${target}.saving-`);
  // mkdtemp creates the folder with mode 0700; a saved model is an ordinary directory.
  fs.chmodSync(staging, 0o755);
  const written: string[] = [];
  try {
    // The graph, in the file transformers.js expects for this dtype.
    const onnxFile = SAVED_ONNX_FILES[input.scheme];
    const externalDataFile = writeGraph(staging, onnxFile, input, Math.min(externalDataThreshold, PROTOBUF_LIMIT_BYTES), written);

    // config.json with the quantization settings, and the tokenizer files.
    const config = { ...input.config, quantization_config: input.quantizationConfig };
    writeFile(staging, "config.json", Buffer.from(`${JSON.stringify(config, null, 2)}\n`), written);
    if (input.tokenizerDirectory) {
      for (const name of TOKENIZER_FILES) {
        const source = path.join(input.tokenizerDirectory, name);
        if (fs.existsSync(source)) writeFile(staging, name, fs.readFileSync(source), written);
      }
    }

    replaceDirectory(staging, target);
    return { directory: target, onnxFile, ...(externalDataFile !== undefined ? { externalDataFile } : {}), files: written };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes the graph as `onnxFile` under `root`: as one protobuf with every tensor inside when it
 * stays within `threshold` bytes, otherwise with its tensors of at least
 * {@link EXTERNAL_DATA_MIN_BYTES} in `<onnxFile>_data`, copied one at a time. The graph's tensors
 * are restored afterwards.
 * @returns the data file relative to `root`, when one was written.
 */
function writeGraph(root: string, onnxFile: string, input: SaveInput, threshold: number, written: string[]): string | undefined {
  const { graph, externalData } = input;
  if (inlineModelSize(graph, externalData) <= threshold) {
    const restore = externalData ? inlineExternalData(graph, externalData) : () => {};
    try {
      writeFile(root, onnxFile, encodeModel(graph), written);
    } finally {
      restore();
    }
    return undefined;
  }

  // Tensors go to the data file first; the graph then refers to them by location and offset.
  const dataFile = `${onnxFile}_data`;
  const file = path.join(root, dataFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const writer = new ExternalDataWriter(file, path.basename(dataFile), EXTERNAL_DATA_ALIGNMENT);
  let restore: () => void;
  try {
    restore = moveTensorsToExternalData(graph, writer, { minBytes: EXTERNAL_DATA_MIN_BYTES, ...(externalData ? { source: externalData } : {}) });
  } finally {
    writer.close();
  }
  written.push(dataFile);
  try {
    const bytes = encodeModel(graph);
    if (bytes.length > PROTOBUF_LIMIT_BYTES) {
      throw new RangeError(`The graph is ${bytes.length} bytes without its tensors of ${EXTERNAL_DATA_MIN_BYTES} bytes or more, over the 2 GiB protobuf limit; it cannot be saved as ONNX.`);
    }
    writeFile(root, onnxFile, bytes, written);
  } finally {
    restore();
  }
  return dataFile;
}

function writeFile(root: string, relative: string, bytes: Uint8Array, written: string[]): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  written.push(relative);
}

/** Moves `staging` to `target`, replacing an existing `target` only after the new one is in place. */
function replaceDirectory(staging: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target);
    return;
  }
  const previous = `${target}.replaced-${process.pid}-${Date.now()}`;
  fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    fs.renameSync(previous, target);
    throw error;
  }
  fs.rmSync(previous, { recursive: true, force: true });
}
