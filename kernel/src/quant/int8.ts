/**
 * Symmetric INT8 quantization with one absmax scale per row (per output channel), as
 * bitsandbytes' LLM.int8() stores linear weights.
 *
 * Layout:
 * - Input: `rows * cols` float32 values, row-major `[rows, cols]`. For a linear weight, rows
 *   are output channels: the PyTorch layout `[out_features, in_features]`.
 * - Codes: `Int8Array` of the same shape, `round_half_even(x * float32(127 / absmax_row))`,
 *   within [-127, 127]. A row whose absmax is 0 gets codes 0.
 * - Scales: `rows` float32 values, `absmax_row / 127`, so that `x ≈ code * scale`.
 */

import { assertFinite } from "./finite";
import { checkMatrixLength } from "./layout";

/** Largest INT8 code magnitude: the symmetric range is [-127, 127]. */
export const INT8_MAX_CODE = 127;

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
