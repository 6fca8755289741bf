/**
 * Reading tensors that an ONNX model stores in external data files.
 *
 * A TensorProto with `data_location = EXTERNAL` keeps its bytes outside the protobuf, at the
 * place its `external_data` key-value pairs give. `location` is required, a path relative to the
 * folder of the model file. `offset` defaults to 0 and `length` to the tensor's byte size, and
 * `checksum` is an optional SHA-1 of the whole file. The bytes are little-endian, as in
 * `raw_data`. Large models use this to stay under protobuf's 2 GiB limit.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { readTensorSlice, type ExternalTensorSlice } from "./file-range";
import { encodeModel, onnx, tensorDims } from "./proto";
import { dataTypeName, elementCount, ONNX_ELEMENT_BYTES } from "./tensor";

/** The `external_data` entries of one tensor. */
export interface ExternalDataInfo {
  /** Path of the data file relative to the model file's folder. */
  location: string;
  /** Position of the tensor's first byte in the file (default 0). */
  offset: number;
  /** Number of bytes, when the entry gives one. */
  length?: number;
  /** SHA-1 digest of the whole file, when the entry gives one. */
  checksum?: string;
}

/** Returns whether a tensor keeps its data in an external file. */
export function isExternalTensor(tensor: onnx.ITensorProto): boolean {
  return tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}

/**
 * Parses a tensor's `external_data` entries.
 * @throws Error naming the tensor when `location` is missing or `offset` or `length` is not a
 *   non-negative integer.
 */
export function readExternalDataInfo(tensor: onnx.ITensorProto): ExternalDataInfo {
  const name = tensor.name ?? "(unnamed)";
  const entries = new Map((tensor.externalData ?? []).map((entry) => [entry.key ?? "", entry.value ?? ""]));
  const location = entries.get("location");
  if (location === undefined || location === "") {
    throw new Error(`Tensor "${name}" is marked as external data but has no "location" entry. The model file is damaged; export it again.`);
  }
  const integer = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isSafeInteger(value) || value < 0) {
      throw new Error(`Tensor "${name}" has external data ${key} ${JSON.stringify(text)}, which is not a non-negative integer. The model file is damaged; export it again.`);
    }
    return value;
  };
  const length = integer("length");
  const checksum = entries.get("checksum");
  return {
    location,
    offset: integer("offset") ?? 0,
    ...(length !== undefined ? { length } : {}),
    ...(checksum !== undefined ? { checksum } : {}),
  };
}

/**
 * Resolves an external data location inside `directory`. Absolute paths and `..` segments are
 * rejected, as the ONNX external data rules require: a model may only read files in its own
 * folder. Symbolic links inside the folder are followed as they are, because the Hugging Face
 * cache links every file of a snapshot to a blob outside it.
 * @throws Error naming the tensor, the location and the folder.
 */
export function resolveExternalLocation(directory: string, location: string, tensorName: string): string {
  const segments = location.split(/[\\/]+/);
  const escapes = path.isAbsolute(location) || path.win32.isAbsolute(location) || segments.includes("..") || location.includes("\0");
  const file = path.resolve(directory, location);
  if (escapes || !file.startsWith(directory + path.sep)) {
    throw new Error(
      `Tensor "${tensorName}" has external data location ${JSON.stringify(location)}, which points outside the model folder ${directory}. ONNX external data must be a relative path inside the folder of the .onnx file; move the data file there and export the model again.`,
    );
  }
  return file;
}

/**
 * Reads the external data of one model's tensors from the files beside it. Checks every location,
 * range and length before reading, so that errors name the tensor, the file, the offset and the
 * length.
 *
 * NOTE: the optional `checksum` entry is not verified, because hashing a data file of several
 * gigabytes would add seconds to every load.
 */
export class ExternalDataReader {
  /** Absolute folder of the model file, against which locations are resolved. */
  readonly directory: string;
  /** The model file, for messages. */
  readonly modelPath: string;
  private readonly fileSizes = new Map<string, number>();

  constructor(modelPath: string) {
    this.modelPath = path.resolve(modelPath);
    this.directory = path.dirname(this.modelPath);
  }

  /**
   * Returns where a tensor's bytes are, after checking that the file exists, that the range lies
   * inside it and that the length matches the tensor's dims and type.
   * @throws Error naming the tensor, the file, the offset and the length, and what to do.
   */
  locate(tensor: onnx.ITensorProto): ExternalTensorSlice {
    const tensorName = tensor.name ?? "(unnamed)";
    const info = readExternalDataInfo(tensor);
    const file = resolveExternalLocation(this.directory, info.location, tensorName);
    const byteLength = this.expectedLength(tensor, info, tensorName);
    const described = `tensor "${tensorName}" (${describeRange(info.offset, byteLength)})`;

    const size = this.fileSize(file);
    if (size === undefined) {
      throw new Error(
        `External data file ${JSON.stringify(info.location)} of ${described} not found: ${file} does not exist. Copy the model's data files into ${this.directory} beside ${path.basename(this.modelPath)}, with the names the model gives them.`,
      );
    }
    if (info.offset + byteLength > size) {
      throw new Error(
        `External data of ${described} ends at byte ${info.offset + byteLength}, beyond the end of ${file} (${size} bytes). The data file is truncated or belongs to another export; copy or download it again.`,
      );
    }
    return { tensorName, location: info.location, file, offset: info.offset, byteLength };
  }

  /**
   * Reads a tensor's external bytes into `target` (at least the tensor's byte length) or into new
   * memory, and returns them.
   */
  readBytes(tensor: onnx.ITensorProto, target?: Uint8Array): Uint8Array {
    const slice = this.locate(tensor);
    return readTensorSlice(slice, target ?? new Uint8Array(slice.byteLength));
  }

  /**
   * Checks the external data of every tensor of `model` (see {@link locate}) and returns how many
   * tensors and bytes it has.
   */
  validate(model: onnx.IModelProto): { tensors: number; bytes: number } {
    let tensors = 0;
    let bytes = 0;
    for (const tensor of listModelTensors(model)) {
      if (!isExternalTensor(tensor)) continue;
      tensors++;
      bytes += this.locate(tensor).byteLength;
    }
    return { tensors, bytes };
  }

  /** Returns the byte length of a tensor's data: its `length` entry, checked against dims and type. */
  private expectedLength(tensor: onnx.ITensorProto, info: ExternalDataInfo, tensorName: string): number {
    const elementBytes = ONNX_ELEMENT_BYTES[tensor.dataType ?? 0];
    const dims = tensorDims(tensor);
    const expected = elementBytes === undefined ? undefined : elementCount(dims) * elementBytes;
    const type = `${dataTypeName(tensor.dataType ?? 0)} [${dims.join(", ")}]`;
    if (info.length === undefined) {
      if (expected === undefined) {
        throw new Error(
          `Tensor "${tensorName}" (${type}) is stored in ${JSON.stringify(info.location)} without a "length" entry, and its size cannot be computed from its type. Export the model again with lengths in its external data entries.`,
        );
      }
      return expected;
    }
    if (expected !== undefined && info.length !== expected) {
      throw new Error(
        `Tensor "${tensorName}" (${type}) needs ${expected} bytes, but its external data entry gives length ${info.length} (file ${JSON.stringify(info.location)}, offset ${info.offset}). The .onnx file and its data do not match; export the model again.`,
      );
    }
    return info.length;
  }

  private fileSize(file: string): number | undefined {
    if (!this.fileSizes.has(file)) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile()) return undefined;
      this.fileSizes.set(file, stat.size);
    }
    return this.fileSizes.get(file);
  }
}

function describeRange(offset: number, byteLength: number): string {
  return `offset ${offset}, length ${byteLength} bytes`;
}

/**
 * Lists every dense tensor of a model: initializers, the values and indices of sparse
 * initializers, and tensor attributes (Constant nodes and others), in the main graph, in
 * subgraphs of If, Loop and Scan, and in model-local functions.
 */
export function listModelTensors(model: onnx.IModelProto): onnx.ITensorProto[] {
  const tensors: onnx.ITensorProto[] = [];
  const visitNodes = (nodes: readonly onnx.INodeProto[] | null | undefined) => {
    for (const node of nodes ?? []) {
      for (const attribute of node.attribute ?? []) {
        if (attribute.t) tensors.push(attribute.t);
        tensors.push(...(attribute.tensors ?? []));
        for (const sparse of [attribute.sparseTensor, ...(attribute.sparseTensors ?? [])]) {
          if (sparse?.values) tensors.push(sparse.values);
          if (sparse?.indices) tensors.push(sparse.indices);
        }
        if (attribute.g) visitGraph(attribute.g);
        for (const graph of attribute.graphs ?? []) visitGraph(graph);
      }
    }
  };
  const visitGraph = (graph: onnx.IGraphProto) => {
    tensors.push(...(graph.initializer ?? []));
    for (const sparse of graph.sparseInitializer ?? []) {
      if (sparse.values) tensors.push(sparse.values);
      if (sparse.indices) tensors.push(sparse.indices);
    }
    visitNodes(graph.node);
  };
  if (model.graph) visitGraph(model.graph);
  for (const fn of model.functions ?? []) visitNodes(fn.node);
  return tensors;
}

/** Returns whether any tensor of the model keeps its data in an external file. */
export function hasExternalData(model: onnx.IModelProto): boolean {
  return listModelTensors(model).some(isExternalTensor);
}

/**
 * Reads the external data of every tensor of `model` into its `raw_data`, tensor by tensor, so
 * that the model no longer needs its data files.
 * @returns a function that puts the external data references back and drops the bytes read.
 */
export function inlineExternalData(model: onnx.IModelProto, reader: ExternalDataReader): () => void {
  const changed: TensorDataFields[] = [];
  const seen = new Set<onnx.ITensorProto>();
  try {
    for (const tensor of listModelTensors(model)) {
      if (!isExternalTensor(tensor) || seen.has(tensor)) continue;
      seen.add(tensor);
      const rawData = reader.readBytes(tensor);
      changed.push(saveDataFields(tensor));
      tensor.rawData = rawData;
      clearExternalData(tensor);
    }
  } catch (error) {
    restoreDataFields(changed);
    throw error;
  }
  return () => restoreDataFields(changed);
}

/** Marks a tensor as stored inside the protobuf again, dropping its external data entries. */
export function clearExternalData(tensor: onnx.ITensorProto): void {
  delete tensor.dataLocation;
  delete tensor.externalData;
}

/** The fields that locate a tensor's data, as the tensor itself set them. */
export interface TensorDataFields {
  tensor: onnx.ITensorProto;
  fields: Pick<onnx.ITensorProto, "rawData" | "dataLocation" | "externalData">;
}

/**
 * Returns a tensor's own `raw_data`, `data_location` and `external_data` fields (not the
 * protobuf defaults it inherits), for {@link restoreDataFields}.
 */
export function saveDataFields(tensor: onnx.ITensorProto): TensorDataFields {
  const fields: TensorDataFields["fields"] = {};
  if (Object.hasOwn(tensor, "rawData")) fields.rawData = tensor.rawData;
  if (Object.hasOwn(tensor, "dataLocation")) fields.dataLocation = tensor.dataLocation;
  if (Object.hasOwn(tensor, "externalData")) fields.externalData = tensor.externalData;
  return { tensor, fields };
}

/** Puts back the fields saved by {@link saveDataFields}. */
export function restoreDataFields(saved: readonly TensorDataFields[]): void {
  for (const { tensor, fields } of saved) {
    delete tensor.rawData;
    delete tensor.dataLocation;
    delete tensor.externalData;
    Object.assign(tensor, fields);
  }
}

/**
 * Returns the size in bytes that the model's protobuf would have with every tensor inline:
 * the graph encoded without its larger raw data, plus that raw data and the external data. The
 * figure is exact for tensors with raw data and within a few bytes per tensor for external ones.
 */
export function inlineModelSize(model: onnx.IModelProto, reader?: ExternalDataReader): number {
  // Each detached byte string costs its length plus at most 11 bytes of tag and length prefix.
  const detached: { tensor: onnx.ITensorProto; rawData: Uint8Array }[] = [];
  let dataBytes = 0;
  for (const tensor of listModelTensors(model)) {
    if (isExternalTensor(tensor)) {
      if (!reader) throw new Error(`Tensor "${tensor.name ?? "(unnamed)"}" is stored in external data; pass a reader to measure it.`);
      dataBytes += reader.locate(tensor).byteLength + 11;
      continue;
    }
    const raw = tensor.rawData;
    if (!raw || raw.length < 1024 || !Object.hasOwn(tensor, "rawData")) continue;
    detached.push({ tensor, rawData: raw });
    dataBytes += raw.length + 11;
    delete tensor.rawData;
  }
  try {
    return encodeModel(model).length + dataBytes;
  } finally {
    for (const { tensor, rawData } of detached) tensor.rawData = rawData;
  }
}
