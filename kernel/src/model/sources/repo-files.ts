/**
 * The files of a model repository that the loader needs: the tokenizer and config files, one
 * ONNX graph and its external data. Paths are `/`-separated as on the hub.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { ONNX_FILE_CANDIDATES } from "../model-files";

/** The tokenizer file; the loader cannot run without it. */
export const TOKENIZER_FILE = "tokenizer.json";

/** Files the loader reads when the repository has them. */
export const OPTIONAL_MODEL_FILES: readonly string[] = Object.freeze(["config.json", "tokenizer_config.json", "special_tokens_map.json"]);

/** ONNX graphs looked up on the hub when no `onnxFile` is given: the float32 exports, `model.onnx` then `onnx/model.onnx`. */
export const HUB_ONNX_CANDIDATES: readonly string[] = Object.freeze(ONNX_FILE_CANDIDATES.slice(0, 2).map((name) => name.split(path.sep).join("/")));

/** The files of a repository that the loader needs. */
export interface ModelFilePlan {
  /** The ONNX graph. */
  onnxFile: string;
  /** External data of the graph, in chunk order. */
  externalData: string[];
  /** tokenizer.json and those of {@link OPTIONAL_MODEL_FILES} that exist. */
  supportFiles: string[];
  /** Optional files the repository does not have. */
  absentOptionalFiles: string[];
}

/**
 * Selects the ONNX graph: `requested` when given and present, else the first of
 * {@link HUB_ONNX_CANDIDATES} that is present. Returns undefined when none is.
 */
export function selectOnnxFile(files: ReadonlySet<string>, requested?: string): string | undefined {
  if (requested !== undefined) return files.has(requested) ? requested : undefined;
  return HUB_ONNX_CANDIDATES.find((candidate) => files.has(candidate));
}

/**
 * Returns the external data files of a graph that are present, in chunk order. They are named
 * after the graph as transformers.js names them (`<graph>_data`, then `<graph>_data_1`,
 * `<graph>_data_2` and so on), or `<graph>.data`. For `onnx/model.onnx` that is
 * `onnx/model.onnx_data`.
 */
export function selectExternalData(files: Iterable<string>, onnxFile: string): string[] {
  // NOTE: external data under other names (such as one file per tensor) is not found, because
  // the graph's external_data locations are not read here.
  const chunkPattern = new RegExp(`^${escapeRegExp(onnxFile)}_data(?:_([1-9][0-9]*))?$`);
  const chunks: { file: string; index: number }[] = [];
  for (const file of files) {
    if (file === `${onnxFile}.data`) chunks.push({ file, index: -1 });
    const match = chunkPattern.exec(file);
    if (match) chunks.push({ file, index: match[1] === undefined ? 0 : Number(match[1]) });
  }
  return chunks.sort((a, b) => a.index - b.index).map((chunk) => chunk.file);
}

/**
 * Lists the files the loader needs from a repository's file list. Returns undefined when no
 * ONNX graph is found. The caller raises the error, because its message depends on where the
 * list came from.
 */
export function planModelFiles(files: ReadonlySet<string>, requestedOnnxFile?: string): ModelFilePlan | undefined {
  const onnxFile = selectOnnxFile(files, requestedOnnxFile);
  if (onnxFile === undefined) return undefined;
  const supportFiles = [TOKENIZER_FILE, ...OPTIONAL_MODEL_FILES].filter((file) => files.has(file));
  const absentOptionalFiles = OPTIONAL_MODEL_FILES.filter((file) => !files.has(file));
  return { onnxFile, externalData: selectExternalData(files, onnxFile), supportFiles, absentOptionalFiles };
}

/** Returns the `.onnx` files of a file list, sorted, for messages that list a repository's graphs. */
export function listOnnxFiles(files: Iterable<string>): string[] {
  return [...files].filter((file) => file.endsWith(".onnx")).sort();
}

/**
 * Lists the files under a snapshot folder as `/`-separated paths, following symlinks and leaving
 * out entries whose target is missing (a symlink to a deleted blob).
 */
export function listSnapshotFiles(snapshotDir: string): Set<string> {
  const files = new Set<string>();
  const visit = (directory: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      const stats = fs.statSync(full, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isDirectory()) visit(full, `${prefix}${entry.name}/`);
      else if (stats.isFile()) files.add(`${prefix}${entry.name}`);
    }
  };
  visit(snapshotDir, "");
  return files;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
