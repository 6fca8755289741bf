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

import { buildCodeLookupTable, EXACT_CODE, type CodeLookupTable } from "./code-lookup";
import { throwNonFinite } from "./finite";
import { float32Bits, FLOAT32_INFINITY_BITS, FLOAT32_MAX, maxMagnitudeBits } from "./float-bits";
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

/** Returns the symmetric int4 code of a scaled value: `clamp(round(x) + 8, 0, 15)`, rounding half away from zero. */
export function int4SymmetricCode(x: number): number {
  return Math.min(15, Math.max(0, roundHalfAwayFromZero(x) + INT4_SYMMETRIC_ZERO_POINT));
}

/**
 * Bucket table of {@link int4SymmetricCode} over scaled values in [-8, 8], built on first use:
 * with 512 buckets per unit (8 KiB), about one value in 500 of normally distributed weights
 * (block 32) falls into a split bucket and takes the scalar rounding.
 */
let int4SymmetricLookup: CodeLookupTable | undefined;

/**
 * Quantizes a row-major `[rows, cols]` matrix to int4 for MatMulNBits.
 *
 * Equals `quantizeInt4Reference` byte for byte. Symmetric blocks take the absmax from the float32
 * bit patterns and their codes from a bucket table (see code-lookup.ts). With a finite inverse
 * scale, every scaled value has magnitude at most 8 * (1 + 2^-21), inside the table. Asymmetric
 * blocks, and blocks whose inverse scale overflows float32, are encoded one value at a time.
 * @throws RangeError for an unsupported block size, a shape mismatch or a non-finite value.
 */
export function quantizeInt4(values: Float32Array, rows: number, cols: number, options: QuantizeInt4Options = {}): Int4Tensor {
  const { blockSize = 32, symmetric = true, name = "tensor" } = options;
  if (!INT4_BLOCK_SIZES.includes(blockSize)) {
    throw new RangeError(`int4 blockSize must be one of ${INT4_BLOCK_SIZES.join(", ")}, got ${String(blockSize)}.`);
  }
  checkMatrixLength(values.length, rows, cols, name);

  const bits = float32Bits(values);
  const kBlocks = blockCount(cols, blockSize);
  const packed = new Uint8Array(rows * kBlocks * (blockSize / 2));
  const scales = new Float32Array(rows * kBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(rows * Math.ceil(kBlocks / 2));
  for (let row = 0; row < rows; row++) {
    for (let block = 0; block < kBlocks; block++) {
      const start = row * cols + block * blockSize;
      const end = row * cols + Math.min((block + 1) * blockSize, cols);
      const blockIndex = row * kBlocks + block;
      const byteBase = blockIndex * (blockSize / 2);

      // Find the block's absmax bit pattern, which also detects NaN and Infinity.
      const magnitudeBits = maxMagnitudeBits(bits, start, end);
      if (magnitudeBits >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);

      if (!symmetric) {
        const zeroPoint = encodeAsymmetricBlockInt4(values, start, end, blockIndex, packed, byteBase, scales);
        zeroPoints![row * Math.ceil(kBlocks / 2) + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
        continue;
      }

      // Find the scale from the first value of largest magnitude, with its sign.
      const extreme = magnitudeBits === 0 ? 0 : firstValueWithMagnitude(values, bits, start, magnitudeBits);
      const scale = Math.fround(extreme / -8);
      scales[blockIndex] = scale;
      const inverseScale = scale === 0 ? 0 : Math.fround(1 / scale);

      // Encode; padding past K stays code 0 in its nibble.
      if (Math.abs(inverseScale) > FLOAT32_MAX) encodeRangeInt4(values, start, end, inverseScale, INT4_SYMMETRIC_ZERO_POINT, packed, byteBase);
      else encodeSymmetricBlockInt4(values, start, end, inverseScale, packed, byteBase);
    }
  }
  return { rows, cols, blockSize, symmetric, packed, scales, ...(zeroPoints ? { zeroPoints } : {}) };
}

/** Returns the first value of `values[start, ...)` whose magnitude has the bit pattern `magnitudeBits`. */
function firstValueWithMagnitude(values: Float32Array, bits: Int32Array, start: number, magnitudeBits: number): number {
  let i = start;
  while ((bits[i]! & 0x7fffffff) !== magnitudeBits) i++;
  return values[i]!;
}

/**
 * Encodes one symmetric block with the bucket table, four values (two bytes, low nibble first)
 * per step. A step that meets a split bucket is encoded again by {@link encodeRangeInt4}.
 */
function encodeSymmetricBlockInt4(values: Float32Array, start: number, end: number, inverseScale: number, packed: Uint8Array, byteBase: number): void {
  const lookup = (int4SymmetricLookup ??= buildCodeLookupTable(int4SymmetricCode, -8, 8, 512));
  const { entries, offset } = lookup;
  // An imported binding read in the loop would be a property load (a getter call under tsx).
  const exact = EXACT_CODE;
  const bucketScale = inverseScale * lookup.bucketsPerUnit;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const c0 = entries[(values[i]! * bucketScale + offset) | 0]!;
    const c1 = entries[(values[i + 1]! * bucketScale + offset) | 0]!;
    const c2 = entries[(values[i + 2]! * bucketScale + offset) | 0]!;
    const c3 = entries[(values[i + 3]! * bucketScale + offset) | 0]!;
    const byte = byteBase + ((i - start) >> 1);
    packed[byte] = (c0 & 0x0f) | (c1 << 4);
    packed[byte + 1] = (c2 & 0x0f) | (c3 << 4);
    if ((c0 | c1 | c2 | c3) === exact) encodeRangeInt4(values, i, i + 4, inverseScale, INT4_SYMMETRIC_ZERO_POINT, packed, byteBase + ((i - start) >> 1));
  }
  if (i < end) encodeRangeInt4(values, i, end, inverseScale, INT4_SYMMETRIC_ZERO_POINT, packed, byteBase + ((i - start) >> 1));
}

/**
 * Encodes `values[start, end)` one value at a time into bytes from `byteBase`, element `start` in
 * a low nibble. An odd count leaves the last high nibble 0.
 */
function encodeRangeInt4(values: Float32Array, start: number, end: number, inverseScale: number, zeroPoint: number, packed: Uint8Array, byteBase: number): void {
  for (let i = start; i < end; i += 2) {
    const low = Math.min(15, Math.max(0, roundHalfAwayFromZero(Math.fround(values[i]! * inverseScale)) + zeroPoint));
    const high = i + 1 < end ? Math.min(15, Math.max(0, roundHalfAwayFromZero(Math.fround(values[i + 1]! * inverseScale)) + zeroPoint)) : 0;
    packed[byteBase + ((i - start) >> 1)] = low | (high << 4);
  }
}

/**
 * Quantizes one asymmetric block: the range [min(0, min x), max(0, max x)] in 15 steps. Stores
 * the scale and the codes and returns the zero point.
 */
function encodeAsymmetricBlockInt4(values: Float32Array, start: number, end: number, blockIndex: number, packed: Uint8Array, byteBase: number, scales: Float32Array): number {
  let min = 0;
  let max = 0;
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const scale = Math.fround(Math.fround(max - min) / 15);
  const zero = scale === 0 ? 0 : Math.fround(-min / scale);
  const zeroPoint = Math.min(15, Math.max(0, roundHalfAwayFromZero(zero)));
  scales[blockIndex] = scale;
  const inverseScale = scale === 0 ? 0 : Math.fround(1 / scale);

  encodeRangeInt4(values, start, end, inverseScale, zeroPoint, packed, byteBase);
  return zeroPoint;
}

/** Dequantizes an {@link Int4Tensor} to a row-major `[rows, cols]` float32 matrix. */
export function dequantizeInt4(tensor: Int4Tensor, out = new Float32Array(tensor.rows * tensor.cols)): Float32Array {
  const { rows, cols, blockSize, packed, scales, zeroPoints } = tensor;
  const kBlocks = blockCount(cols, blockSize);
  for (let row = 0; row < rows; row++) {
    for (let block = 0; block < kBlocks; block++) {
      const blockIndex = row * kBlocks + block;
      const scale = scales[blockIndex]!;
      const zeroPoint = zeroPoints ? (zeroPoints[row * Math.ceil(kBlocks / 2) + (block >> 1)]! >> ((block & 1) * 4)) & 0x0f : INT4_SYMMETRIC_ZERO_POINT;
      const byteBase = blockIndex * (blockSize / 2);
      const start = row * cols + block * blockSize;
      const count = Math.min(blockSize, cols - block * blockSize);
      for (let offset = 0; offset < count; offset++) {
        const code = (packed[byteBase + (offset >> 1)]! >> ((offset & 1) * 4)) & 0x0f;
        out[start + offset] = (code - zeroPoint) * scale;
      }
    }
  }
  return out;
}
