/**
 * ONNX protobuf messages (from the `onnx-proto` package) and the conversions the rest of the
 * library needs: int64 fields to numbers, decoding with a clear error, and encoding.
 *
 * NOTE: `onnx-proto` 8.0.1 is generated from ONNX IR version 8. Fields added later (for example
 * NodeProto.metadata_props of IR 10) are skipped when decoding and absent when encoding again.
 * onnxruntime does not need them to run the graph.
 */

import * as fs from "node:fs";

import { onnx } from "onnx-proto";

export { onnx };

/** An int64 field as decoded by protobufjs: a number or a Long-like object. */
export type Int64 = number | { toNumber(): number };

/** Converts an int64 protobuf field to a number, rejecting values beyond 2^53. */
export function int64ToNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(`int64 value ${String(value)} does not fit in a JavaScript number.`);
  }
  return number;
}

/** Returns a tensor's dims as numbers. */
export function tensorDims(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map((dim) => int64ToNumber(dim as Int64));
}

/**
 * Decodes an ONNX model.
 * @param bytes the serialized ModelProto.
 * @param source file name used in the error message.
 * @throws Error naming the file when the bytes are not a complete ModelProto.
 */
export function decodeModel(bytes: Uint8Array, source: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(
      `Failed to parse ONNX model ${source} (${bytes.length} bytes): ${(error as Error).message}. The file is truncated or is not an ONNX model; export or download it again.`,
    );
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new Error(`ONNX model ${source} has no graph nodes. The file is truncated or is not an ONNX model; export or download it again.`);
  }
  return model;
}

/**
 * Reads a model file into a SharedArrayBuffer. The raw data of the decoded tensors are views of
 * it, which worker threads can read without a copy on the calling thread.
 * @throws Error naming the file when it cannot be read completely.
 */
export function readModelBytes(path: string): Uint8Array {
  const fd = fs.openSync(path, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let offset = 0; offset < size; ) {
      const read = fs.readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) throw new Error(`Failed to read ${path}: the file ended after ${offset} of ${size} bytes. Check that nothing is writing it.`);
      offset += read;
    }
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/** Encodes a ModelProto to bytes. */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
