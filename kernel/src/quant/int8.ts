/**
 * Symmetric INT8 quantization with absmax scales: per row (per output channel, as bitsandbytes'
 * LLM.int8() stores linear weights and the default here), per tensor, or per block of the
 * flattened values (for analysis).
 *
 * Layout:
 * - Input: `rows * cols` float32 values, row-major `[rows, cols]`. For a linear weight, rows
 *   are output channels: the PyTorch layout `[out_features, in_features]`.
 * - Codes: `Int8Array` of the same shape, `round_half_even(x * float32(127 / absmax))` within
 *   [-127, 127], where absmax is that of the value's row, tensor or block. A segment whose
 *   absmax is 0 gets codes 0.
 * - Scales: one float32 `absmax / 127` per segment (`rows` of them per row, 1 per tensor,
 *   `ceil(rows * cols / blockSize)` per block), so that `x ≈ code * scale`.
 */

import { assertFinite } from "./finite";
import { checkMatrixLength } from "./layout";

/** Largest INT8 code magnitude: the symmetric range is [-127, 127]. */
export const INT8_MAX_CODE = 127;

/** Segments that share one INT8 scale. */
export type Int8Granularity = "row" | "tensor" | "block";

/** A matrix quantized to INT8 with one scale per row; see the module comment. */
export interface Int8RowwiseTensor {
  rows: number;
  cols: number;
  /** `rows * cols` codes, row-major. */
  codes: Int8Array;
  /** `rows` float32 scales, `absmax / 127` of each row. */
  scales: Float32Array;
}

/** Rounds to the nearest integer, ties to even, as `torch.round` does. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Quantizes a row-major `[rows, cols]` float32 matrix to INT8 with per-row absmax scales.
 * @throws RangeError for a shape that does not match `values.length` or a non-finite value.
 */
export function quantizeInt8Rowwise(values: Float32Array, rows: number, cols: number, name = "tensor"): Int8RowwiseTensor {
  checkMatrixLength(values.length, rows, cols, name);
  assertFinite(values, name);

  const codes = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    const end = start + cols;

    // Find the row's absmax and the float32 factor 127 / absmax.
    let absmax = 0;
    for (let i = start; i < end; i++) {
      const magnitude = Math.abs(values[i]!);
      if (magnitude > absmax) absmax = magnitude;
    }
    scales[row] = absmax / INT8_MAX_CODE;
    const inverseScale = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);

    // Encode, clamping the rare product that rounds just past 127.
    for (let i = start; i < end; i++) {
      const code = roundHalfEven(Math.fround(values[i]! * inverseScale));
      codes[i] = Math.max(-INT8_MAX_CODE, Math.min(INT8_MAX_CODE, code));
    }
  }
  return { rows, cols, codes, scales };
}

/** Dequantizes an {@link Int8RowwiseTensor} to a row-major `[rows, cols]` float32 matrix. */
export function dequantizeInt8Rowwise(tensor: Int8RowwiseTensor, out = new Float32Array(tensor.rows * tensor.cols)): Float32Array {
  const { rows, cols, codes, scales } = tensor;
  checkMatrixLength(codes.length, rows, cols, "INT8 codes");
  if (scales.length !== rows) {
    throw new RangeError(`INT8 tensor with ${rows} rows needs ${rows} scales, got ${scales.length}.`);
  }
  for (let row = 0; row < rows; row++) {
    const scale = scales[row]!;
    for (let i = row * cols; i < (row + 1) * cols; i++) out[i] = codes[i]! * scale;
  }
  return out;
}

/** A matrix quantized to INT8 with any {@link Int8Granularity}. */
export interface Int8Tensor {
  rows: number;
  cols: number;
  granularity: Int8Granularity;
  /** Values per scale: `cols` per row, `rows * cols` per tensor, or the block size. */
  segmentLength: number;
  /** `rows * cols` codes, row-major. */
  codes: Int8Array;
  /** One float32 scale per segment, `absmax / 127`. */
  scales: Float32Array;
}

/** Options of {@link quantizeInt8}. */
export interface QuantizeInt8Options {
  /** `"row"` (default), `"tensor"` or `"block"`. */
  granularity?: Int8Granularity;
  /** Values per block with `"block"` granularity (default 64). */
  blockSize?: number;
  /** Tensor name used in error messages. */
  name?: string;
}

/**
 * Quantizes a row-major `[rows, cols]` float32 matrix to symmetric INT8 with one absmax scale
 * per row, per tensor or per block of the flattened values.
 */
export function quantizeInt8(values: Float32Array, rows: number, cols: number, options: QuantizeInt8Options = {}): Int8Tensor {
  const { granularity = "row", blockSize = 64, name = "tensor" } = options;
  if (granularity === "row") {
    const { codes, scales } = quantizeInt8Rowwise(values, rows, cols, name);
    return { rows, cols, granularity, segmentLength: cols, codes, scales };
  }
  if (granularity !== "tensor" && granularity !== "block") {
    throw new RangeError(`INT8 granularity must be "row", "tensor" or "block", got ${JSON.stringify(granularity)}.`);
  }
  if (granularity === "block" && (!Number.isInteger(blockSize) || blockSize < 1)) {
    throw new RangeError(`INT8 blockSize must be a positive integer, got ${String(blockSize)}.`);
  }
  checkMatrixLength(values.length, rows, cols, name);
  // Per tensor is one segment of every value; per block reuses the per-row code on blocks as rows.
  const segmentLength = granularity === "tensor" ? values.length : blockSize;
  const segments = Math.ceil(values.length / segmentLength);
  const padded = segments * segmentLength === values.length ? values : padTo(values, segments * segmentLength);
  const { codes, scales } = quantizeInt8Rowwise(padded, segments, segmentLength, name);
  return { rows, cols, granularity, segmentLength, codes: codes.subarray(0, values.length), scales };
}

/** Dequantizes an {@link Int8Tensor} to a row-major float32 matrix. */
export function dequantizeInt8(tensor: Int8Tensor, out = new Float32Array(tensor.rows * tensor.cols)): Float32Array {
  const { codes, scales, segmentLength } = tensor;
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * scales[Math.floor(i / segmentLength)]!;
  return out;
}

function padTo(values: Float32Array, length: number): Float32Array {
  const padded = new Float32Array(length);
  padded.set(values);
  return padded;
}
