/**
 * Locating the files of a model directory in the Hugging Face layout: `config.json`,
 * `tokenizer.json` and the ONNX graph as `model.onnx` or `onnx/model.onnx`.
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** Directory of the bundled default model, tiny-dnabert2. */
export const BUNDLED_MODEL_DIR = path.resolve(__dirname, "..", "..", "models", "tiny-dnabert2");

/**
 * ONNX file names looked up in a model directory, in order: the float32 export, then the files
 * that transformers.js names by dtype (and that `DnaModel.save` writes): 8-bit, 4-bit bitsandbytes
 * and 4-bit MatMulNBits.
 */
export const ONNX_FILE_CANDIDATES: readonly string[] = Object.freeze([
  "model.onnx",
  path.join("onnx", "model.onnx"),
  path.join("onnx", "model_quantized.onnx"),
  path.join("onnx", "model_bnb4.onnx"),
  path.join("onnx", "model_q4.onnx"),
]);

/** Paths of one model's files. */
export interface ModelFiles {
  /** Absolute model directory. */
  directory: string;
  /** Absolute path of the ONNX graph. */
  onnxPath: string;
  /** Absolute path of config.json, or undefined when the directory has none. */
  configPath?: string;
}

/**
 * Resolves a model directory to its files.
 * @throws Error naming the path when the directory or its ONNX graph is missing.
 */
export function resolveModelFiles(source: string, onnxFile?: string): ModelFiles {
  const directory = path.resolve(source);
  if (!fs.existsSync(directory)) {
    throw new Error(
      `Model directory not found: ${directory}. Pass a directory in the Hugging Face layout (config.json, tokenizer.json, model.onnx), or omit the source to load the bundled tiny-dnabert2.`,
    );
  }
  if (!fs.statSync(directory).isDirectory()) {
    throw new Error(`Model source ${directory} is a file, not a directory. Pass the directory that contains model.onnx and tokenizer.json.`);
  }
  if (onnxFile !== undefined) {
    const named = path.resolve(directory, onnxFile);
    if (!fs.existsSync(named)) {
      throw new Error(`ONNX file ${onnxFile} not found in ${directory}. Check the onnxFile option; the directory has ${listOnnxFiles(directory).join(", ") || "no .onnx files"}.`);
    }
    const configPath = path.join(directory, "config.json");
    return { directory, onnxPath: named, ...(fs.existsSync(configPath) ? { configPath } : {}) };
  }
  const onnxPath = ONNX_FILE_CANDIDATES.map((name) => path.join(directory, name)).find((candidate) => fs.existsSync(candidate));
  if (!onnxPath) {
    throw new Error(
      `No ONNX model in ${directory}: looked for ${ONNX_FILE_CANDIDATES.join(" and ")}. Export the model to ONNX (for example with optimum-cli export onnx) into that directory.`,
    );
  }
  const configPath = path.join(directory, "config.json");
  return { directory, onnxPath, ...(fs.existsSync(configPath) ? { configPath } : {}) };
}

/** Reads `config.json` as a plain object, or returns an empty object when there is none. */
export function readModelConfig(files: ModelFiles): Record<string, unknown> {
  if (!files.configPath) return {};
  try {
    return JSON.parse(fs.readFileSync(files.configPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Failed to read ${files.configPath}: ${(error as Error).message}. The file must be valid JSON.`);
  }
}

/** Lists the .onnx files of a directory and of its onnx/ subfolder, relative to the directory. */
export function listOnnxFiles(directory: string): string[] {
  const found: string[] = [];
  for (const folder of [directory, path.join(directory, "onnx")]) {
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder)) {
      if (name.endsWith(".onnx")) found.push(path.relative(directory, path.join(folder, name)));
    }
  }
  return found.sort();
}
