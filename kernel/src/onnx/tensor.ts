/**
 * Conversions between ONNX TensorProto and typed arrays, and the table of ONNX data types that
 * the library reads and writes.
 */

import type { ExternalDataReader } from "./external-data";
import { float32FromBytes } from "./float-data";
import { onnx, tensorDims } from "./proto";

/** ONNX TensorProto.DataType values used by the library. */
export const ONNX_DATA_TYPE = Object.freeze({
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
  DOUBLE: 11,
});

/** Bytes per element of each ONNX data type, indexed by the DataType value. */
export const ONNX_ELEMENT_BYTES: Readonly<Record<number, number>> = Object.freeze({
  1: 4, // FLOAT
  2: 1, // UINT8
  3: 1, // INT8
  4: 2, // UINT16
  5: 2, // INT16
  6: 4, // INT32
  7: 8, // INT64
  9: 1, // BOOL
  10: 2, // FLOAT16
  11: 8, // DOUBLE
  12: 4, // UINT32
  13: 8, // UINT64
  16: 2, // BFLOAT16
});

/** ONNX data type names by value, for messages. */
const DATA_TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(onnx.TensorProto.DataType).map(([name, value]) => [value, name])),
);

/** Returns the name of an ONNX data type, such as `FLOAT`. */
export function dataTypeName(dataType: number): string {
  return DATA_TYPE_NAMES[dataType] ?? `data type ${dataType}`;
}

/** Returns the number of elements of a shape (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/**
 * Returns the stored byte size of a tensor: dims times element size for fixed-size types,
 * wherever the data are (raw data, typed fields or external data). For other types, the length
 * of the raw data or the length recorded for external data.
 */
export function tensorByteLength(tensor: onnx.ITensorProto): number {
  const elementBytes = ONNX_ELEMENT_BYTES[tensor.dataType ?? 0];
  if (elementBytes !== undefined) return elementCount(tensorDims(tensor)) * elementBytes;
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const length = (tensor.externalData ?? []).find((entry) => entry.key === "length")?.value;
    return length !== undefined && length !== null ? Number(length) || 0 : 0;
  }
  return tensor.rawData?.length ?? 0;
}

/**
 * Reads a FLOAT tensor's values into a new Float32Array (a copy, so the caller may keep it after
 * the model buffer is released).
 * @param buffer memory to copy raw data into when it is large enough, reused from an earlier
 *   tensor: fresh memory costs a page fault per 4 KiB on first touch.
 * @param externalData reader of the model's data files, needed for a tensor in external data.
 * @throws Error naming the tensor when it is not FLOAT, is stored externally and no reader is
 *   given, or its data length does not match its dims.
 */
export function readFloatTensor(tensor: onnx.ITensorProto, buffer?: ArrayBuffer, externalData?: ExternalDataReader): Float32Array {
  const name = tensor.name ?? "(unnamed)";
  if (tensor.dataType !== ONNX_DATA_TYPE.FLOAT) {
    throw new TypeError(`Tensor "${name}" has type ${dataTypeName(tensor.dataType ?? 0)}; only FLOAT weights are quantized.`);
  }
  const count = elementCount(tensorDims(tensor));
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    if (!externalData) {
      throw new Error(`Tensor "${name}" is stored in external data; read it with an ExternalDataReader for the model file, which finds the data files beside it.`);
    }
    const target = buffer !== undefined && buffer.byteLength >= count * 4 ? buffer : new ArrayBuffer(count * 4);
    externalData.readBytes(tensor, new Uint8Array(target, 0, count * 4));
    return new Float32Array(target, 0, count);
  }
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4) {
      throw new RangeError(`Tensor "${name}" has ${raw.length} bytes of data for ${count} float values; the model file is damaged.`);
    }
    return float32FromBytes(raw, buffer);
  }
  const values = tensor.floatData ?? [];
  if (values.length !== count) {
    throw new RangeError(`Tensor "${name}" has ${values.length} float values for dims [${tensorDims(tensor).join(", ")}]; the model file is damaged.`);
  }
  return Float32Array.from(values);
}

/**
 * Returns the raw data of a FLOAT tensor when it lives in a SharedArrayBuffer (a model read with
 * `readModelBytes`) and has the length its dims require, so that a worker thread can copy it;
 * otherwise undefined, and {@link readFloatTensor} reads the tensor.
 */
export function sharedFloatBytes(tensor: onnx.ITensorProto): Uint8Array | undefined {
  const raw = tensor.rawData;
  if (tensor.dataType !== ONNX_DATA_TYPE.FLOAT || !raw || !(raw.buffer instanceof SharedArrayBuffer)) return undefined;
  return raw.length === elementCount(tensorDims(tensor)) * 4 ? raw : undefined;
}

/** Typed arrays that {@link makeTensor} stores as raw data. */
export type TensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

/** Creates a TensorProto with little-endian raw data. `data` is referenced, not copied. */
export function makeTensor(name: string, dataType: number, dims: readonly number[], data: TensorData): onnx.TensorProto {
  const expected = elementCount(dims);
  if (data.length !== expected) {
    throw new RangeError(`makeTensor("${name}"): ${data.length} elements for dims [${dims.join(", ")}], expected ${expected}.`);
  }
  return onnx.TensorProto.create({
    name,
    dataType,
    dims: [...dims],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}
