/**
 * Block maxima computed on float32 bit patterns, for the fast encoders.
 *
 * Read as an int32, the bit pattern of a non-negative float32 orders the same way as its value,
 * and every NaN pattern sorts above +Infinity. The integer maximum of `bits & 0x7fffffff` over a
 * block is therefore the bit pattern of the block's absmax, and it reaches
 * {@link FLOAT32_INFINITY_BITS} exactly when the block contains Infinity or NaN. The maximum is
 * taken without data-dependent branches, which random weights would mispredict.
 */

/** Bit pattern of float32 +Infinity: magnitude patterns at or above it are Infinity or NaN. */
export const FLOAT32_INFINITY_BITS = 0x7f800000;

/** Largest finite float32, 2^128 - 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Returns an Int32Array view on the bit patterns of `values`, sharing its memory. */
export function float32Bits(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/**
 * Returns the bit pattern of the largest magnitude among `bits[start, end)` as a non-negative
 * int32 (0 for an empty range). It is at least {@link FLOAT32_INFINITY_BITS} when the range contains
 * Infinity or NaN.
 */
export function maxMagnitudeBits(bits: Int32Array, start: number, end: number): number {
  // With d = m - a, `m - (d & (d >> 31))` is max(m, a) without a branch. Both operands lie in
  // [0, 2^31), so d cannot overflow. Four running maxima keep the dependency chains short.
  let max0 = 0;
  let max1 = 0;
  let max2 = 0;
  let max3 = 0;
  let i = start;
  for (; i + 7 < end; i += 8) {
    let d = max0 - (bits[i]! & 0x7fffffff);
    max0 -= d & (d >> 31);
    d = max1 - (bits[i + 1]! & 0x7fffffff);
    max1 -= d & (d >> 31);
    d = max2 - (bits[i + 2]! & 0x7fffffff);
    max2 -= d & (d >> 31);
    d = max3 - (bits[i + 3]! & 0x7fffffff);
    max3 -= d & (d >> 31);
    d = max0 - (bits[i + 4]! & 0x7fffffff);
    max0 -= d & (d >> 31);
    d = max1 - (bits[i + 5]! & 0x7fffffff);
    max1 -= d & (d >> 31);
    d = max2 - (bits[i + 6]! & 0x7fffffff);
    max2 -= d & (d >> 31);
    d = max3 - (bits[i + 7]! & 0x7fffffff);
    max3 -= d & (d >> 31);
  }
  for (; i < end; i++) {
    const d = max0 - (bits[i]! & 0x7fffffff);
    max0 -= d & (d >> 31);
  }
  return Math.max(max0, max1, max2, max3);
}

/**
 * Writes into `out[col]`, for each column `col` in [colStart, colEnd), the bit pattern of the
 * largest magnitude in that column of rows [rowStart, rowEnd) of a row-major matrix with `cols`
 * columns, given as bit patterns, with the meaning of {@link maxMagnitudeBits}. Eight rows are
 * read side by side, so that each column's running maximum is stored once per eight rows.
 */
export function columnMaxMagnitudeBits(
  bits: Int32Array,
  cols: number,
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
  out: Int32Array,
): Int32Array {
  out.fill(0, colStart, colEnd);
  let row = rowStart;
  for (; row + 7 < rowEnd; row += 8) {
    const start = row * cols;
    for (let col = colStart; col < colEnd; col++) {
      const i = start + col;
      let max = out[col]!;
      let d = max - (bits[i]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 2 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 3 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 4 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 5 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 6 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      d = max - (bits[i + 7 * cols]! & 0x7fffffff);
      max -= d & (d >> 31);
      out[col] = max;
    }
  }
  for (; row < rowEnd; row++) {
    for (let col = colStart; col < colEnd; col++) {
      const d = out[col]! - (bits[row * cols + col]! & 0x7fffffff);
      out[col] -= d & (d >> 31);
    }
  }
  return out;
}
