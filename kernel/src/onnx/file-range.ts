/**
 * Reading a byte range of a file with positioned reads. Kept apart from the protobuf modules so
 * that worker threads load it without them.
 */

import * as fs from "node:fs";

/** A tensor's bytes inside an external data file, as plain data that can pass between threads. */
export interface ExternalTensorSlice {
  /** Name of the tensor, for messages. */
  tensorName: string;
  /** The `location` entry as written in the model. */
  location: string;
  /** Absolute path of the external data file. */
  file: string;
  /** Position of the first byte in the file. */
  offset: number;
  /** Number of bytes. */
  byteLength: number;
}

/** Returns whether a value is an {@link ExternalTensorSlice} rather than a typed array. */
export function isExternalTensorSlice(value: unknown): value is ExternalTensorSlice {
  return typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && typeof (value as ExternalTensorSlice).file === "string";
}

/**
 * Reads `slice.byteLength` bytes at `slice.offset` of `slice.file` into `target`, which must have
 * at least that many bytes, and returns the filled part of `target`.
 * @throws Error naming the tensor, the file and the range when the file cannot be opened or ends
 *   before the range does.
 */
export function readTensorSlice(slice: ExternalTensorSlice, target: Uint8Array): Uint8Array {
  const { tensorName, file, offset, byteLength } = slice;
  if (target.length < byteLength) {
    throw new RangeError(`readTensorSlice: the target has ${target.length} bytes, tensor "${tensorName}" needs ${byteLength}.`);
  }
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    throw new Error(`Failed to open external data file ${file} of tensor "${tensorName}": ${(error as Error).message}. Check that the file exists and is readable.`);
  }
  try {
    // readSync returns fewer bytes than asked near the end of a file, and at most about 2 GiB per call.
    for (let done = 0; done < byteLength; ) {
      const read = fs.readSync(fd, target, done, byteLength - done, offset + done);
      if (read === 0) {
        throw new Error(
          `External data file ${file} ended after ${offset + done} bytes while reading tensor "${tensorName}" (offset ${offset}, length ${byteLength}). The file is truncated or was replaced while loading; copy or download it again.`,
        );
      }
      done += read;
    }
  } finally {
    fs.closeSync(fd);
  }
  return target.subarray(0, byteLength);
}
