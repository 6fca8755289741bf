/**
 * Block-wise int4 quantization as onnxruntime's 4-bit quantizer for `MatMulNBits` does it.
 *
 * Layout (MatMulNBits, bits 4):
 * - Input: a row-major `[N, K]` float32 matrix (output channels by input features, PyTorch's
 *   `[out_features, in_features]`). Blocks run along K inside one row and never cross rows; a
 *   row has `kBlocks = ceil(K / blockSize)` blocks, the last padded with zeros.
 * - Packed codes: uint8 `[N, kBlocks, blockSize / 2]`, two codes per byte along K, element `2i`
 *   in the LOW nibble and element `2i + 1` in the high nibble.
 * - Scales: float32 `[N * kBlocks]`.
 * - Zero points (asymmetric only): uint8 `[N * ceil(kBlocks / 2)]`, two per byte, low nibble
 *   first. Symmetric quantization stores none, and the operator uses 8.
 * - Symmetric: `scale = m / -8`, where m is the block's value of largest magnitude with its sign;
 *   code = `clamp(round(x * float32(1 / scale)) + 8, 0, 15)`, rounding half away from zero.
 * - Asymmetric: the range [min(0, min x), max(0, max x)] in 15 steps, `scale = range / 15`,
 *   zero point `round(-min / scale)` within [0, 15], code = `clamp(round(x / scale) + zp, 0, 15)`.
 * - Dequantization: `(code - zero_point) * scale`. A block whose scale is 0 gives zeros.
 */

import { assertFinite } from "./finite";
import { blockCount, checkMatrixLength } from "./layout";

/** Block sizes that onnxruntime's CPU MatMulNBits kernel runs with 4 bits (16 works but is slow). */
export const INT4_BLOCK_SIZES: readonly number[] = Object.freeze([16, 32, 64, 128, 256]);

/** Zero point of symmetric int4: codes 0..15 stand for -8..7. */
export const INT4_SYMMETRIC_ZERO_POINT = 8;

/** A matrix quantized to int4 in MatMulNBits layout; see the module comment. */
export interface Int4Tensor {
  /** Rows N (output channels). */
  rows: number;
  /** Columns K (input features). */
  cols: number;
  blockSize: number;
  symmetric: boolean;
  /** `rows * ceil(cols / blockSize) * blockSize / 2` bytes. */
  packed: Uint8Array;
  /** `rows * ceil(cols / blockSize)` float32 scales. */
  scales: Float32Array;
  /** `rows * ceil(ceil(cols / blockSize) / 2)` bytes of 4-bit zero points, asymmetric only. */
  zeroPoints?: Uint8Array;
}

/** Options of {@link quantizeInt4}. */
export interface QuantizeInt4Options {
  /** Values per block along K: 16, 32 (default), 64, 128 or 256. */
  blockSize?: number;
  /** Symmetric (default true) or asymmetric with zero points. */
  symmetric?: boolean;
  /** Tensor name used in error messages. */
  name?: string;
}

/** Rounds half away from zero, as C's `roundf` does. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Quantizes a row-major `[rows, cols]` matrix to int4 for MatMulNBits.
 * @throws RangeError for an unsupported block size, a shape mismatch or a non-finite value.
 */
export function quantizeInt4(values: Float32Array, rows: number, cols: number, options: QuantizeInt4Options = {}): Int4Tensor {
  const { blockSize = 32, symmetric = true, name = "tensor" } = options;
  if (!INT4_BLOCK_SIZES.includes(blockSize)) {
    throw new RangeError(`int4 blockSize must be one of ${INT4_BLOCK_SIZES.join(", ")}, got ${String(blockSize)}.`);
  }
  checkMatrixLength(values.length, rows, cols, name);
  assertFinite(values, name);

  const kBlocks = blockCount(cols, blockSize);
  const packed = new Uint8Array(rows * kBlocks * (blockSize / 2));
  const scales = new Float32Array(rows * kBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(rows * Math.ceil(kBlocks / 2));
  for (let row = 0; row < rows; row++) {
    for (let block = 0; block < kBlocks; block++) {
      const start = row * cols + block * blockSize;
      const end = row * cols + Math.min((block + 1) * blockSize, cols);
      const blockIndex = row * kBlocks + block;

      // Find the scale (and zero point) from the block's range.
      let min = 0;
      let max = 0;
      let extreme = 0;
      for (let i = start; i < end; i++) {
        const value = values[i]!;
        if (value < min) min = value;
        if (value > max) max = value;
        if (Math.abs(value) > Math.abs(extreme)) extreme = value;
      }
      let scale: number;
      let zeroPoint = INT4_SYMMETRIC_ZERO_POINT;
      if (symmetric) {
        scale = Math.fround(extreme / -8);
      } else {
        scale = Math.fround(Math.fround(max - min) / 15);
        const zero = scale === 0 ? 0 : Math.fround(-min / scale);
        zeroPoint = Math.min(15, Math.max(0, roundHalfAwayFromZero(zero)));
        zeroPoints![row * Math.ceil(kBlocks / 2) + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
      }
      scales[blockIndex] = scale;
      const inverseScale = scale === 0 ? 0 : Math.fround(1 / scale);

      // Encode; padding past K stays code 0 in its nibble.
      const byteBase = blockIndex * (blockSize / 2);
      for (let i = start; i < end; i++) {
        const code = Math.min(15, Math.max(0, roundHalfAwayFromZero(Math.fround(values[i]! * inverseScale)) + zeroPoint));
        const offset = i - start;
        packed[byteBase + (offset >> 1)]! |= code << ((offset & 1) * 4);
      }
    }
  }
  return { rows, cols, blockSize, symmetric, packed, scales, ...(zeroPoints ? { zeroPoints } : {}) };
}

/** Dequantizes an {@link Int4Tensor} to a row-major `[rows, cols]` float32 matrix. */
export function dequantizeInt4(tensor: Int4Tensor, out = new Float32Array(tensor.rows * tensor.cols)): Float32Array {
  const { rows, cols, blockSize, packed, scales, zeroPoints } = tensor;
  const kBlocks = blockCount(cols, blockSize);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const block = Math.floor(col / blockSize);
      const blockIndex = row * kBlocks + block;
      const offset = col - block * blockSize;
      const code = (packed[blockIndex * (blockSize / 2) + (offset >> 1)]! >> ((offset & 1) * 4)) & 0x0f;
      const zeroPoint = zeroPoints ? (zeroPoints[row * Math.ceil(kBlocks / 2) + (block >> 1)]! >> ((block & 1) * 4)) & 0x0f : INT4_SYMMETRIC_ZERO_POINT;
      out[row * cols + col] = (code - zeroPoint) * scales[blockIndex]!;
    }
  }
  return out;
}
