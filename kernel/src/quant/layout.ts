/**
 * Block layout arithmetic shared by every block-wise scheme: block counts, packed byte lengths
 * and block-size validation. Every function here is pure and checks its arguments.
 */

/** Smallest block size accepted by the 4-bit schemes (MatMulBnb4 requires at least 16). */
export const MIN_BLOCK_SIZE = 16;

/** Largest block size accepted by the 4-bit schemes (bitsandbytes' largest block size). */
export const MAX_BLOCK_SIZE = 4096;

/**
 * Checks that `blockSize` is a power of two from {@link MIN_BLOCK_SIZE} to {@link MAX_BLOCK_SIZE}.
 * @throws TypeError when it is not an integer, RangeError when it is out of that set.
 */
export function validateBlockSize(blockSize: unknown, parameter = "blockSize"): number {
  if (typeof blockSize !== "number" || !Number.isInteger(blockSize)) {
    throw new TypeError(
      `${parameter} must be an integer power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, got ${String(blockSize)}.`,
    );
  }
  const isPowerOfTwo = blockSize > 0 && (blockSize & (blockSize - 1)) === 0;
  if (!isPowerOfTwo || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
    throw new RangeError(
      `${parameter} must be a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE} (16, 32, 64, ...), got ${blockSize}. Use 64 for the bitsandbytes default.`,
    );
  }
  return blockSize;
}

/** Returns the number of blocks that cover `length` values: `ceil(length / blockSize)`. */
export function blockCount(length: number, blockSize: number): number {
  return Math.ceil(length / blockSize);
}

/** Returns the byte length of `length` packed 4-bit codes, two per byte: `ceil(length / 2)`. */
export function packedLength4bit(length: number): number {
  return Math.ceil(length / 2);
}

/** Checks that `values` has `rows * cols` elements, naming the tensor in the error. */
export function checkMatrixLength(length: number, rows: number, cols: number, name: string): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new RangeError(`${name}: matrix shape must be positive integers, got [${rows}, ${cols}].`);
  }
  if (length !== rows * cols) {
    throw new RangeError(
      `${name}: expected ${rows} x ${cols} = ${rows * cols} values, got ${length}. Pass the shape of the tensor as stored.`,
    );
  }
}
