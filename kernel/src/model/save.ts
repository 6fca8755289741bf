/**
 * Saving a loaded model: its quantized ONNX graph, config.json with the quantization settings,
 * and its tokenizer files, written atomically into a directory in the Hugging Face layout.
 *
 * File names follow transformers.js's convention for each dtype, so that transformers.js loads
 * the saved model with the matching `dtype`: `onnx/model.onnx` (fp32), `onnx/model_quantized.onnx`
 * (8-bit), `onnx/model_bnb4.onnx` (NF4 and FP4) and `onnx/model_q4.onnx` (int4).
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { encodeModel, type onnx, type WeightSchemeName } from "../onnx";

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
}

/** Model parts that {@link saveModelFiles} writes. */
export interface SaveInput {
  scheme: WeightSchemeName;
  /** The rewritten graph, as the session runs it. */
  graph: onnx.IModelProto;
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
  files: string[];
}

/**
 * Writes the model files into `directory` atomically: everything is written into a temporary
 * sibling directory, which replaces `directory` by rename only when complete. A failure leaves
 * `directory` as it was and removes the temporary files.
 * @throws Error naming the directory when it exists, is not empty and `overwrite` is not set.
 */
export function saveModelFiles(input: SaveInput, directory: string, options: SaveOptions = {}): SavedModel {
  const target = path.resolve(directory);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new Error(`Cannot save to ${target}: it is a file. Choose a directory path.`);
    if (fs.readdirSync(target).length > 0 && !options.overwrite) {
      throw new Error(`Cannot save to ${target}: the directory is not empty. Pass { overwrite: true } to replace it, or choose another directory.`);
    }
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const staging = fs.mkdtempSync(`${target}.saving-`);
  const written: string[] = [];
  try {
    // The graph, in the file transformers.js expects for this dtype.
    const onnxFile = SAVED_ONNX_FILES[input.scheme];
    const bytes = encodeModel(input.graph);
    if (bytes.length > PROTOBUF_LIMIT_BYTES) {
      throw new RangeError(`The graph is ${bytes.length} bytes, over the 2 GiB protobuf limit; save it with external data (not supported for this model yet).`);
    }
    writeFile(staging, onnxFile, bytes, written);

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
    return { directory: target, onnxFile, files: written };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
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
