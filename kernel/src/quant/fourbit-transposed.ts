/**
 * Block-wise 4-bit quantization of a linear weight stored as ONNX MatMul's B, `[K, N]` row-major,
 * into the `[N, K]` layout of {@link quantize4bit} without writing the transpose.
 *
 * When K is a multiple of the block size, block b of output channel n holds input features
 * [b * blockSize, (b + 1) * blockSize) of column n. The encoder walks the matrix in bands of
 * `blockSize` rows: it takes the absmax of every column of the band, then encodes the band two
 * rows at a time. Rows k and k + 1 of column n form byte `(n * K + k) / 2` of the packed codes,
 * row k in the high nibble, as in {@link quantize4bit}.
 */

import { EXACT_CODE, type CodeLookupTable } from "./code-lookup";
import { throwNonFinite } from "./finite";
import { columnMaxMagnitudeBits, float32Bits, FLOAT32_INFINITY_BITS, FLOAT32_MAX } from "./float-bits";
import { codeFunction, compressAbsmax, fourBitLookup, restoreAbsmax, type FourBitTensor, type Quantize4bitOptions } from "./fourbit";
import { checkMatrixLength, validateBlockSize } from "./layout";

/**
 * Columns encoded together. A band of 64 rows of 1024 columns is 256 KiB, which stays in the L2
 * cache between the absmax pass and the encoding pass.
 */
const TRANSPOSED_CHUNK_COLUMNS = 1024;

/**
 * Quantizes the transpose of the row-major `[k, n]` matrix `valuesInOut` block-wise to NF4 or
 * FP4: the result equals `quantize4bit` of the `[n, k]` transpose byte for byte.
 *
 * @param valuesInOut `k * n` float32 values, `[K, N]` row-major (MatMul's B).
 * @returns packed codes of the `[N, K]` weight (`N * K / 2` bytes, even element in the high
 *   nibble) and `N * K / blockSize` float32 absmax values, block `K / blockSize * n + b` for
 *   block b of output channel n.
 * @throws RangeError for an invalid block size, a K that is not a multiple of it, a shape that
 *   does not match, or a non-finite value (named by its index in `valuesInOut`).
 */
export function quantize4bitTransposed(valuesInOut: Float32Array, k: number, n: number, options: Quantize4bitOptions = {}): FourBitTensor {
  const { type = "nf4", blockSize = 64, name = "tensor", doubleQuant = false } = options;
  validateBlockSize(blockSize);
  checkMatrixLength(valuesInOut.length, k, n, name);
  if (k % blockSize !== 0) {
    throw new RangeError(`${name}: K = ${k} is not a multiple of blockSize ${blockSize}; transpose the weight and use quantize4bit.`);
  }
  const codeOf = codeFunction(type);
  const lookup = fourBitLookup(type);
  const { bucketsPerUnit } = lookup;

  const bits = float32Bits(valuesInOut);
  const blocksPerColumn = k / blockSize;
  const halfK = k / 2;
  const absmax = new Float32Array(n * blocksPerColumn);
  const absmaxBits = float32Bits(absmax);
  const packed = new Uint8Array((n * k) / 2);
  const columnBits = new Int32Array(n);
  const bucketScales = new Float64Array(n);
  const pendingPairs = new Int32Array((blockSize / 2) * Math.min(n, TRANSPOSED_CHUNK_COLUMNS));
  for (let colStart = 0; colStart < n; colStart += TRANSPOSED_CHUNK_COLUMNS) {
    const colEnd = Math.min(colStart + TRANSPOSED_CHUNK_COLUMNS, n);
    for (let kBlock = 0; kBlock < blocksPerColumn; kBlock++) {
      const rowStart = kBlock * blockSize;

      // Find the absmax of every column of the band, which also detects NaN and Infinity, and
      // the float32 reciprocals, kept multiplied by bucketsPerUnit (a power of two, so exactly).
      columnMaxMagnitudeBits(bits, n, rowStart, rowStart + blockSize, colStart, colEnd, columnBits);
      let overflow = false;
      for (let col = colStart; col < colEnd; col++) {
        if (columnBits[col]! >= FLOAT32_INFINITY_BITS) throwNonFinite(valuesInOut, name);
        const block = col * blocksPerColumn + kBlock;
        absmaxBits[block] = columnBits[col]!;
        const blockAbsmax = absmax[block]!;
        const inverseScale = blockAbsmax === 0 ? 0 : Math.fround(1 / blockAbsmax);
        bucketScales[col] = inverseScale * bucketsPerUnit;
        if (inverseScale > FLOAT32_MAX) overflow = true;
      }

      // Encode; columns whose reciprocal overflows float32 take the decision tree.
      const band: Band = { valuesInOut, n, halfK, rowStart, rowEnd: rowStart + blockSize, colStart, colEnd, bucketScales, packed };
      encodeBand(band, lookup, codeOf, pendingPairs);
      if (overflow) encodeOverflowColumns(band, bucketsPerUnit, codeOf);
    }
  }

  const length = n * k;
  if (!doubleQuant) return { type, blockSize, length, packed, absmax };
  const compressed = compressAbsmax(absmax, name);
  return { type, blockSize, length, packed, absmax: restoreAbsmax(compressed), doubleQuant: compressed };
}

/** Rows [rowStart, rowEnd) of columns [colStart, colEnd) of the `[K, N]` weight, with their scales. */
interface Band {
  valuesInOut: Float32Array;
  n: number;
  halfK: number;
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  /** Per column: the float32 reciprocal of the block absmax times the table's bucketsPerUnit. */
  bucketScales: Float64Array;
  packed: Uint8Array;
}

/**
 * Encodes a band two rows at a time, one byte per column, with the bucket table. Pairs that meet
 * a split bucket take the decision tree afterwards, so the hot loop makes no calls, and V8
 * compiles it the same whichever code function the fallback has met.
 */
function encodeBand(band: Band, lookup: CodeLookupTable, codeOf: (x: number) => number, pendingPairs: Int32Array): void {
  const { valuesInOut, n, halfK, rowStart, rowEnd, colStart, colEnd, bucketScales, packed } = band;
  const { entries, offset, bucketsPerUnit } = lookup;
  // An imported binding read in the loop would be a property load (a getter call under tsx).
  const exact = EXACT_CODE;
  let pending = 0;
  for (let row = rowStart; row < rowEnd; row += 2) {
    const high = row * n;
    const low = high + n;
    for (let col = colStart, byte = colStart * halfK + (row >> 1); col < colEnd; col++, byte += halfK) {
      const bucketScale = bucketScales[col]!;
      const c0 = entries[(valuesInOut[high + col]! * bucketScale + offset) | 0]!;
      const c1 = entries[(valuesInOut[low + col]! * bucketScale + offset) | 0]!;
      packed[byte] = (c0 << 4) | (c1 & 0x0f);
      if ((c0 | c1) === exact) pendingPairs[pending++] = high + col;
    }
  }

  // The pending pairs: value index i of row k, i + n of row k + 1.
  for (let p = 0; p < pending; p++) {
    const i = pendingPairs[p]!;
    const row = Math.floor(i / n);
    const col = i - row * n;
    const inverseScale = bucketScales[col]! / bucketsPerUnit;
    packed[col * halfK + (row >> 1)] = (codeOf(Math.fround(valuesInOut[i]! * inverseScale)) << 4) | codeOf(Math.fround(valuesInOut[i + n]! * inverseScale));
  }
}

/** Encodes the band's columns whose reciprocal overflows float32 with the decision tree. */
function encodeOverflowColumns(band: Band, bucketsPerUnit: number, codeOf: (x: number) => number): void {
  const { valuesInOut, n, halfK, rowStart, rowEnd, colStart, colEnd, bucketScales, packed } = band;
  for (let col = colStart; col < colEnd; col++) {
    const inverseScale = bucketScales[col]! / bucketsPerUnit;
    if (!(inverseScale > FLOAT32_MAX)) continue;
    for (let row = rowStart; row < rowEnd; row += 2) {
      const high = codeOf(Math.fround(valuesInOut[row * n + col]! * inverseScale));
      const low = codeOf(Math.fround(valuesInOut[(row + 1) * n + col]! * inverseScale));
      packed[col * halfK + (row >> 1)] = (high << 4) | low;
    }
  }
}
