/**
 * Writing tensors to an external data file, one tensor at a time, so that a model larger than
 * protobuf's 2 GiB limit can be written without holding it in memory.
 */

import * as fs from "node:fs";

import {
  clearExternalData,
  isExternalTensor,
  listModelTensors,
  restoreDataFields,
  saveDataFields,
  type ExternalDataInfo,
  type ExternalDataReader,
  type TensorDataFields,
} from "./external-data";
import { onnx } from "./proto";

/**
 * Alignment of every tensor offset that dnaquant writes: the page size of Linux and macOS, so
 * that readers can map tensors into memory.
 */
export const EXTERNAL_DATA_ALIGNMENT = 4096;

/** Smallest tensor that {@link moveTensorsToExternalData} moves by default; smaller ones stay in the graph. */
export const EXTERNAL_DATA_MIN_BYTES = 1024;

/** Appends tensors to one external data file at aligned offsets. */
export class ExternalDataWriter {
  /** Absolute path of the data file. */
  readonly file: string;
  /** Location recorded in the tensors: the file name relative to the model's folder. */
  readonly location: string;
  readonly alignment: number;
  private fd: number | undefined;
  private end = 0;

  /**
   * Creates or truncates `file`.
   * @param location the path of `file` relative to the folder of the .onnx file that refers to it.
   */
  constructor(file: string, location: string, alignment = EXTERNAL_DATA_ALIGNMENT) {
    if (!Number.isInteger(alignment) || alignment < 1) throw new RangeError(`alignment must be a positive integer, got ${String(alignment)}.`);
    this.file = file;
    this.location = location;
    this.alignment = alignment;
    this.fd = fs.openSync(file, "w");
  }

  /** Bytes written so far, up to the end of the last tensor. */
  get byteLength(): number {
    return this.end;
  }

  /**
   * Writes `bytes` at the next multiple of the alignment and returns the entries that describe
   * them. The gap before them reads as zeros.
   */
  append(bytes: Uint8Array): ExternalDataInfo {
    if (this.fd === undefined) throw new Error(`The external data file ${this.file} is already closed.`);
    const offset = Math.ceil(this.end / this.alignment) * this.alignment;
    for (let done = 0; done < bytes.length; ) {
      done += fs.writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
    }
    this.end = offset + bytes.length;
    return { location: this.location, offset, length: bytes.length };
  }

  /** Flushes the file to disk and closes it. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Points a tensor at external data and drops its inline bytes. */
export function setExternalData(tensor: onnx.ITensorProto, info: ExternalDataInfo): void {
  tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.externalData = [
    onnx.StringStringEntryProto.create({ key: "location", value: info.location }),
    onnx.StringStringEntryProto.create({ key: "offset", value: String(info.offset) }),
    ...(info.length !== undefined ? [onnx.StringStringEntryProto.create({ key: "length", value: String(info.length) })] : []),
  ];
  delete tensor.rawData;
}

/** Options of {@link moveTensorsToExternalData}. */
export interface MoveToExternalDataOptions {
  /** Tensors with fewer bytes stay in the graph (default {@link EXTERNAL_DATA_MIN_BYTES}). */
  minBytes?: number;
  /**
   * Reader of the data files that the model's external tensors refer to now. Their bytes are
   * copied into the writer's file, or into the graph when smaller than `minBytes`.
   */
  source?: ExternalDataReader;
}

/**
 * Moves the data of every tensor of `model` with at least `minBytes` bytes of `raw_data`, or in
 * external data already, into the writer's file, one tensor at a time. Tensors whose values are
 * in the typed fields (`float_data` and the like) stay in the graph.
 * @returns a function that restores every changed tensor as it was.
 * @throws Error when a tensor is in external data and no `source` is given.
 */
export function moveTensorsToExternalData(model: onnx.IModelProto, writer: ExternalDataWriter, options: MoveToExternalDataOptions = {}): () => void {
  const { minBytes = EXTERNAL_DATA_MIN_BYTES, source } = options;
  const changed: TensorDataFields[] = [];
  const seen = new Set<onnx.ITensorProto>();
  let buffer = new Uint8Array(0);
  try {
    for (const tensor of listModelTensors(model)) {
      if (seen.has(tensor)) continue;
      seen.add(tensor);

      // A tensor in the source's data files is read through one reused buffer.
      if (isExternalTensor(tensor)) {
        if (!source) throw new Error(`Tensor "${tensor.name ?? "(unnamed)"}" is stored in external data, but no reader of its data files was given.`);
        const slice = source.locate(tensor);
        if (buffer.length < slice.byteLength) buffer = new Uint8Array(slice.byteLength);
        const bytes = source.readBytes(tensor, buffer);
        changed.push(saveDataFields(tensor));
        if (bytes.length < minBytes) {
          tensor.rawData = bytes.slice();
          clearExternalData(tensor);
        } else {
          setExternalData(tensor, writer.append(bytes));
        }
        continue;
      }

      const raw = tensor.rawData;
      if (!raw || raw.length < minBytes) continue;
      changed.push(saveDataFields(tensor));
      setExternalData(tensor, writer.append(raw));
    }
  } catch (error) {
    restoreDataFields(changed);
    throw error;
  }
  return () => restoreDataFields(changed);
}
