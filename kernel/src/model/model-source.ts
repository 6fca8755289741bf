/**
 * Resolving what `loadModelAndTokenizer` is given to files on disk: the bundled model, a local
 * model directory, a path to an .onnx file, or a Hugging Face model id (from the cache, or
 * downloaded into it).
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { BUNDLED_MODEL_DIR, resolveModelFiles, type ModelFiles } from "./model-files";
import { formatDownloadProgress, isHubModelId, resolveHubModel, type DownloadProgressCallback } from "./sources";

/** Options that choose and fetch the model files. */
export interface SourceOptions {
  /** ONNX file inside the model directory or hub repository, such as `onnx/model_quantized.onnx`. */
  onnxFile?: string;
  /** Directory with `tokenizer.json`, for a source that is an .onnx file (default: its folder or the folder above `onnx/`). */
  tokenizer?: string;
  /** Hub branch, tag or commit (default `main`). */
  revision?: string;
  /** Download progress of hub files (default: a line per second on stderr for files over 10 MB). */
  onProgress?: DownloadProgressCallback | false;
  warn: (message: string) => void;
}

/** Files of a model and where they came from. */
export interface ResolvedSource {
  /** Short model name: the directory name or the hub model id. */
  name: string;
  files: ModelFiles;
  /** Directory of `tokenizer.json`, or undefined when the source has no tokenizer. */
  tokenizerDirectory?: string;
  /** Hub details when the model came from the Hugging Face cache or hub. */
  hub?: { modelId: string; commit: string; downloaded: string[] };
}

/** Files above which the default progress reporter prints. */
const PROGRESS_MIN_BYTES = 10 * 1024 * 1024;

/** Interval of the default progress reporter, in milliseconds. */
const PROGRESS_INTERVAL_MS = 1000;

/** Resolves a source (see the module comment) to local files. */
export async function resolveModelSource(source: string | undefined, options: SourceOptions): Promise<ResolvedSource> {
  if (source !== undefined && typeof source !== "string") {
    throw new TypeError(`source must be a model directory, an .onnx file or a Hugging Face model id (a string), got ${typeof source}.`);
  }

  // An .onnx file: its tokenizer and config sit beside it or one folder up (onnx/model.onnx).
  if (source !== undefined && source.endsWith(".onnx")) {
    const onnxPath = path.resolve(source);
    if (!fs.existsSync(onnxPath)) throw new Error(`ONNX file not found: ${onnxPath}. Check the path.`);
    const folder = path.dirname(onnxPath);
    const home = path.basename(folder) === "onnx" ? path.dirname(folder) : folder;
    const tokenizerDirectory = options.tokenizer !== undefined ? path.resolve(options.tokenizer) : [folder, home].find((dir) => fs.existsSync(path.join(dir, "tokenizer.json")));
    const configPath = [folder, home].map((dir) => path.join(dir, "config.json")).find((file) => fs.existsSync(file));
    return {
      name: path.basename(onnxPath, ".onnx") === "model" ? path.basename(home) : path.basename(onnxPath, ".onnx"),
      files: { directory: home, onnxPath, ...(configPath ? { configPath } : {}) },
      ...(tokenizerDirectory ? { tokenizerDirectory } : {}),
    };
  }

  // A Hugging Face model id that is not a local path.
  if (source !== undefined && isHubModelId(source)) {
    const hub = await resolveHubModel(source, {
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
      ...(options.onnxFile !== undefined ? { onnxFile: options.onnxFile } : {}),
      ...(options.onProgress !== false ? { onProgress: options.onProgress ?? defaultProgressReporter() } : {}),
      warn: options.warn,
    });
    return {
      name: hub.modelId,
      files: { directory: hub.directory, onnxPath: hub.onnxPath, ...(hub.configPath ? { configPath: hub.configPath } : {}) },
      tokenizerDirectory: options.tokenizer !== undefined ? path.resolve(options.tokenizer) : hub.directory,
      hub: { modelId: hub.modelId, commit: hub.commit, downloaded: hub.downloaded },
    };
  }

  // A local directory in the Hugging Face layout, or the bundled model.
  const files = resolveModelFiles(source ?? BUNDLED_MODEL_DIR, options.onnxFile);
  const tokenizerDirectory = options.tokenizer !== undefined ? path.resolve(options.tokenizer) : files.directory;
  return { name: path.basename(files.directory), files, tokenizerDirectory };
}

/** Returns a progress reporter that prints one line per second to stderr for large files. */
function defaultProgressReporter(): DownloadProgressCallback {
  let last = 0;
  return (event) => {
    const now = Date.now();
    const done = event.bytesTotal !== undefined && event.bytesDone >= event.bytesTotal;
    if ((event.bytesTotal ?? event.bytesDone) < PROGRESS_MIN_BYTES) return;
    if (!done && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    process.stderr.write(`${formatDownloadProgress(event)}\n`);
  };
}
