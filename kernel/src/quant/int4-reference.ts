/**
 * Scalar reference of int4 quantization for MatMulNBits, written for clarity rather than speed:
 * one value at a time, with explicit rounding and clamping. Tests use it as the oracle for
 * {@link quantizeInt4}.
 */

import { assertFinite } from "./finite";
import { INT4_BLOCK_SIZES, INT4_SYMMETRIC_ZERO_POINT, roundHalfAwayFromZero, type Int4Tensor, type QuantizeInt4Options } from "./int4";
import { blockCount, checkMatrixLength } from "./layout";

/** Quantizes like `quantizeInt4`; see the int4 module comment for the layout and rounding. */
export function quantizeInt4Reference(values: Float32Array, rows: number, cols: number, options: QuantizeInt4Options = {}): Int4Tensor {
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
