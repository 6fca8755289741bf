/**
 * Creating the onnxruntime CPU session of a prepared graph, including graphs whose tensors are
 * in external data files, with as few copies of the weights in memory as the graph allows.
 */

import * as ort from "onnxruntime-node";

import {
  clearExternalData,
  EXTERNAL_DATA_MIN_BYTES,
  encodeModel,
  hasExternalData,
  inlineModelSize,
  isExternalTensor,
  listModelTensors,
  setExternalData,
  type ExternalDataReader,
  type onnx,
} from "../onnx";
import { PROTOBUF_LIMIT_BYTES } from "./save";

/** A graph ready for a session, with what is needed to find its external data. */
export interface SessionGraph {
  model: onnx.ModelProto;
  /** The .onnx file the graph was read from. */
  onnxPath: string;
  /** Reader of the data files of tensors still in external data. */
  externalData: ExternalDataReader;
  /** Whether the graph is the file's graph unchanged, so that onnxruntime may read the file itself. */
  unchanged: boolean;
}

/** Options of {@link createSession}. */
export interface CreateSessionOptions {
  numThreads?: number;
  /** Whether the graph declares stored tensors as inputs (double quantization does). */
  hasOverridableInputs?: boolean;
}

/** Form in which {@link createSession} gives a graph to onnxruntime. */
export type SessionSource =
  /** onnxruntime reads the .onnx file and its external data itself. */
  | "file"
  /**
   * The graph's tensors of at least 1 KiB go to onnxruntime as in-memory external data files,
   * the rest of the graph as encoded bytes.
   */
  | "memory"
  /** The graph as encoded bytes with every tensor inside, except those onnxruntime reads from the model's folder. */
  | "bytes-with-external-data";

/**
 * Chooses how to hand a graph to onnxruntime, to keep few copies of the weights in memory:
 * - `"file"` for the file's own graph with external data (a float32 load, or a model saved
 *   quantized): onnxruntime reads the file, one copy;
 * - `"bytes-with-external-data"` when the tensors still in data files are more than twice the
 *   bytes of the in-memory tensors, which then must fit protobuf's 2 GiB limit. The encoded
 *   graph contains the in-memory tensors, and onnxruntime reads the others from the files.
 * - `"memory"` otherwise: the main graph's tensors are handed over from memory, the external
 *   ones read here first. onnxruntime copies them while the session is created, so the peak is
 *   about two copies of the weights. Encoding them into the protobuf instead costs about a copy
 *   more. Measured peak resident memory after an NF4 load of the GENERator-1.2b-shaped model of
 *   bench/models/llama-decoder.ts, one load each: 1.65 GiB against 2.68 GiB (onnxruntime-node
 *   1.31.1, 2 cores).
 */
export function chooseSessionSource(graph: SessionGraph): SessionSource {
  if (!hasExternalData(graph.model)) return "memory";
  if (graph.unchanged) return "file";

  let inMemoryBytes = 0;
  let fileBytes = 0;
  for (const tensor of listModelTensors(graph.model)) {
    if (isExternalTensor(tensor)) fileBytes += graph.externalData.locate(tensor).byteLength;
    else inMemoryBytes += tensor.rawData?.length ?? 0;
  }
  if (fileBytes > 2 * inMemoryBytes && inlineModelSize(graph.model, graph.externalData) - fileBytes <= PROTOBUF_LIMIT_BYTES) {
    return "bytes-with-external-data";
  }
  return "memory";
}

/**
 * Creates the CPU session of a graph, handing it over as {@link chooseSessionSource} chooses.
 * The graph's tensors may be changed to refer to in-memory data; drop the graph afterwards.
 * @throws Error naming the .onnx file when onnxruntime rejects the graph.
 */
export async function createSession(graph: SessionGraph, options: CreateSessionOptions = {}): Promise<{ session: ort.InferenceSession; source: SessionSource }> {
  const { numThreads, hasOverridableInputs = false } = options;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    // Double quantization declares its absmax codes as graph inputs on purpose, which makes
    // onnxruntime warn once per layer; errors are still logged.
    ...(hasOverridableInputs ? { logSeverityLevel: 3 as const } : {}),
    ...(numThreads !== undefined ? { intraOpNumThreads: numThreads } : {}),
  };
  const source = chooseSessionSource(graph);
  try {
    if (source === "file") return { session: await ort.InferenceSession.create(graph.onnxPath, sessionOptions), source };
    if (source === "bytes-with-external-data") {
      const withFolder = { ...sessionOptions, ...externalDataSessionOptions(graph.externalData.directory) };
      return { session: await ort.InferenceSession.create(encodeModel(graph.model), withFolder), source };
    }
    const externalData = handOverTensors(graph.model, graph.externalData);
    return { session: await ort.InferenceSession.create(encodeModel(graph.model), { ...sessionOptions, externalData }), source };
  } catch (error) {
    throw new Error(
      `onnxruntime could not load ${graph.onnxPath}: ${(error as Error).message}. The file may be truncated or use operators this onnxruntime build lacks; export it again.`,
    );
  }
}

/**
 * Session options that let onnxruntime resolve external data locations of a model created from
 * bytes against `directory` (onnxruntime's `session.model_external_initializers_file_folder_path`
 * entry). Without it, onnxruntime-node 1.31 rejects such a model.
 */
export function externalDataSessionOptions(directory: string): Pick<ort.InferenceSession.SessionOptions, "extra"> {
  return { extra: { session: { model_external_initializers_file_folder_path: directory } } };
}

/** Location prefix of the in-memory data files that {@link handOverTensors} names. */
const IN_MEMORY_LOCATION = "dnaquant-in-memory";

/**
 * Points every main-graph tensor (initializer or Constant node value) with at least
 * {@link EXTERNAL_DATA_MIN_BYTES} bytes of raw data, and every one in external data, at an
 * in-memory data file of its own, and returns those files for onnxruntime's `externalData`
 * session option. External data is read here, one tensor at a time.
 *
 * onnxruntime 1.31 accepts in-memory files only when they cover every external tensor of the
 * graph, and not for tensors inside subgraphs (If, Loop, Scan), which it checks as files on
 * disk. Subgraph tensors in external data are therefore read into the graph instead.
 */
function handOverTensors(model: onnx.IModelProto, reader: ExternalDataReader): { path: string; data: Uint8Array }[] {
  const files: { path: string; data: Uint8Array }[] = [];
  const mainGraph = new Set(mainGraphTensors(model.graph ?? {}));
  const seen = new Set<onnx.ITensorProto>();
  for (const tensor of listModelTensors(model)) {
    if (seen.has(tensor)) continue;
    seen.add(tensor);
    if (!mainGraph.has(tensor)) {
      if (isExternalTensor(tensor)) {
        tensor.rawData = reader.readBytes(tensor);
        clearExternalData(tensor);
      }
      continue;
    }
    let data: Uint8Array | undefined;
    if (isExternalTensor(tensor)) data = reader.readBytes(tensor);
    else if (tensor.rawData && tensor.rawData.length >= EXTERNAL_DATA_MIN_BYTES) data = tensor.rawData;
    if (!data) continue;
    const location = `${IN_MEMORY_LOCATION}/${files.length}`;
    files.push({ path: location, data });
    setExternalData(tensor, { location, offset: 0, length: data.length });
  }
  return files;
}

/** Returns the initializers and Constant node values of the main graph, without subgraphs. */
function mainGraphTensors(graph: onnx.IGraphProto): onnx.ITensorProto[] {
  const tensors = [...(graph.initializer ?? [])];
  for (const node of graph.node ?? []) {
    if (node.opType !== "Constant" || (node.domain ?? "") !== "") continue;
    const value = (node.attribute ?? []).find((attribute) => attribute.name === "value")?.t;
    if (value) tensors.push(value);
  }
  return tensors;
}
