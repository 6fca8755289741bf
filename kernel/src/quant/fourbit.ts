/**
 * Block-wise 4-bit quantization with bitsandbytes' NF4 and FP4 code tables.
 *
 * Layout (the one bitsandbytes and onnxruntime's MatMulBnb4 use):
 * - Input: `length` float32 values, flattened row-major. For a linear weight this is the
 *   PyTorch layout `[out_features, in_features]`, that is ONNX MatMul's `[K, N]` B transposed.
 * - Blocks: consecutive runs of `blockSize` values in that flat order (a block may span rows),
 *   the last block may be partial. `absmax` has `ceil(length / blockSize)` float32 entries.
 * - Codes: each value is multiplied in float32 by the float32 reciprocal of its block's absmax
 *   and mapped to a 4-bit code with the kernels' decision thresholds (ties go to the lower
 *   code). A block whose absmax is 0 uses reciprocal 0, so its values get the code of 0.
 * - Packing: `ceil(length / 2)` bytes, element `2i` in the HIGH nibble and element `2i + 1` in
 *   the low nibble of byte `i`; an odd length leaves the last low nibble 0.
 * - Dequantization: `code_value * absmax`, rounded to float32.
 * - Double quantization (bitsandbytes' `compress_statistics`, QLoRA's double quant): after the
 *   codes are computed, the absmax values minus their mean are quantized with the signed 8-bit
 *   dynamic map in blocks of 256, each with a float32 absmax. Dequantization then uses the
 *   restored absmax `map[code] * absmax2 + mean`.
 */

import { FP4_CODE_VALUES, FP4_MAGNITUDE_THRESHOLDS, FP4_SIGN_BIT, NF4_CODE_VALUES, NF4_THRESHOLDS } from "./codes";
import { DOUBLE_QUANT_BLOCK_SIZE, dequantizeDynamicBlockwise, quantizeDynamicBlockwise, type DynamicMapTensor } from "./dynamic-map";
import { buildCodeLookupTable, EXACT_CODE, type CodeLookupTable } from "./code-lookup";
import { throwNonFinite } from "./finite";
import { float32Bits, FLOAT32_INFINITY_BITS, FLOAT32_MAX, maxMagnitudeBits } from "./float-bits";
import { blockCount, packedLength4bit, validateBlockSize } from "./layout";

/** The two 4-bit data types of bitsandbytes. */
export type FourBitType = "nf4" | "fp4";

/** The 4-bit data types with their code tables, indexed by code. */
export const FOUR_BIT_CODE_TABLES: Readonly<Record<FourBitType, readonly number[]>> = Object.freeze({
  nf4: NF4_CODE_VALUES,
  fp4: FP4_CODE_VALUES,
});

/** A tensor quantized block-wise to 4 bits; see the module comment for the layout. */
export interface FourBitTensor {
  type: FourBitType;
  /** Values per block, a power of two from 16 to 4096. */
  blockSize: number;
  /** Number of quantized values. */
  length: number;
  /** `ceil(length / 2)` bytes of codes, element `2i` in the high nibble of byte `i`. */
  packed: Uint8Array;
  /**
   * `ceil(length / blockSize)` float32 block absmax values that dequantization multiplies by:
   * with double quantization, the values restored from {@link doubleQuant}.
   */
  absmax: Float32Array;
  /** The compressed absmax values, present with double quantization. */
  doubleQuant?: DoubleQuantizedAbsmax;
}

/** Block absmax values compressed by double quantization. */
export interface DoubleQuantizedAbsmax {
  /** `absmax - offset`, quantized with the signed dynamic map in blocks of 256. */
  quantized: DynamicMapTensor;
  /** Mean of the float32 absmax values, subtracted before quantization. */
  offset: number;
}

/** Options of {@link quantize4bit}. */
export interface Quantize4bitOptions {
  /** Code table: `"nf4"` (default) or `"fp4"`. */
  type?: FourBitType;
  /** Values per block, a power of two from 16 to 4096 (default 64). */
  blockSize?: number;
  /** Tensor name used in error messages. */
  name?: string;
  /** Compress the absmax values with double quantization (default false). */
  doubleQuant?: boolean;
}

const [T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14] = NF4_THRESHOLDS as number[];

/**
 * Returns the NF4 code of a normalized float32 value with four comparisons, as bitsandbytes'
 * `dQuantizeNF4` decision tree does.
 */
export function nf4Code(x: number): number {
  if (x > T7!) {
    if (x > T11!) {
      if (x > T13!) return x > T14! ? 15 : 14;
      return x > T12! ? 13 : 12;
    }
    if (x > T9!) return x > T10! ? 11 : 10;
    return x > T8! ? 9 : 8;
  }
  if (x > T3!) {
    if (x > T5!) return x > T6! ? 7 : 6;
    return x > T4! ? 5 : 4;
  }
  if (x > T1!) return x > T2! ? 3 : 2;
  return x > T0! ? 1 : 0;
}

const [F0, F1, F2, F3, F4, F5, F6] = FP4_MAGNITUDE_THRESHOLDS.map((entry) => entry.threshold);

/**
 * Returns the FP4 code of a normalized float32 value, as bitsandbytes' `dQuantizeFP4` does:
 * the sign bit for `x < 0` (so -0 is positive), then the magnitude by its pivots.
 */
export function fp4Code(x: number): number {
  const sign = x < 0 ? FP4_SIGN_BIT : 0;
  const magnitude = Math.abs(x);
  let code: number;
  if (magnitude > F3!) {
    if (magnitude > F5!) code = magnitude > F6! ? 0b011 : 0b010;
    else code = magnitude > F4! ? 0b101 : 0b100;
  } else if (magnitude > F1!) {
    code = magnitude > F2! ? 0b111 : 0b110;
  } else {
    code = magnitude > F0! ? 0b001 : 0b000;
  }
  return code + sign;
}

/**
 * Buckets per unit of the tables of {@link nf4Code} and {@link fp4Code} over normalized values in
 * [-1, 1]: 8 KiB each. About one value in 400 of normally distributed weights (block 64) falls
 * into a split bucket and takes the decision tree.
 */
const FOUR_BIT_LOOKUP_BUCKETS_PER_UNIT = 4096;

/** Bucket tables by type, built on first use so that a worker builds only the one it needs. */
const fourBitLookups: Partial<Record<FourBitType, CodeLookupTable>> = {};

/** Returns the bucket table of a 4-bit type's code function over [-1, 1]. */
export function fourBitLookup(type: FourBitType): CodeLookupTable {
  return (fourBitLookups[type] ??= buildCodeLookupTable(codeFunction(type), -1, 1, FOUR_BIT_LOOKUP_BUCKETS_PER_UNIT));
}

/**
 * Quantizes `values` block-wise to NF4 or FP4.
 *
 * Equals `quantize4bitReference` byte for byte. Per block: the absmax from the float32 bit
 * patterns, then each code from the bucket table of its product with the inverse scale, falling
 * back to the decision tree in buckets that a threshold splits. With a finite inverse scale every
 * product p satisfies |p| <= 1 + 2^-23, inside the table. A block whose reciprocal overflows
 * float32 (absmax below 2^-128) is encoded with the decision tree alone.
 *
 * @param values float32 values flattened row-major (`[out_features, in_features]` for a linear
 *   weight); any length, the last block may be partial.
 * @returns packed codes (`ceil(length / 2)` bytes, even element in the high nibble) and
 *   `ceil(length / blockSize)` float32 absmax values.
 * @throws RangeError for a non-finite value or an invalid block size.
 */
export function quantize4bit(values: Float32Array, options: Quantize4bitOptions = {}): FourBitTensor {
  const { type = "nf4", blockSize = 64, name = "tensor", doubleQuant = false } = options;
  validateBlockSize(blockSize);
  const codeOf = codeFunction(type);
  const lookup = fourBitLookup(type);

  const length = values.length;
  const bits = float32Bits(values);
  const absmax = new Float32Array(blockCount(length, blockSize));
  const absmaxBits = float32Bits(absmax);
  const packed = new Uint8Array(packedLength4bit(length));
  const pendingSteps = new Int32Array(blockSize / 8 + 1);
  for (let block = 0; block < absmax.length; block++) {
    const start = block * blockSize;
    const end = Math.min(start + blockSize, length);

    // Find the block's absmax, which also detects NaN and Infinity, and its float32 reciprocal.
    const magnitudeBits = maxMagnitudeBits(bits, start, end);
    if (magnitudeBits >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);
    absmaxBits[block] = magnitudeBits;
    const blockAbsmax = absmax[block]!;
    const inverseScale = blockAbsmax === 0 ? 0 : Math.fround(1 / blockAbsmax);

    // Encode; blockSize is even, so a block starts on a byte boundary. Steps of eight values
    // that meet a split bucket are encoded again with the decision tree.
    if (inverseScale > FLOAT32_MAX) {
      encodeRange4bit(values, start, end, inverseScale, codeOf, packed);
      continue;
    }
    const pending = encodeBlock4bit(values, start, end, inverseScale, lookup, packed, pendingSteps);
    for (let step = 0; step < pending; step++) {
      const stepStart = pendingSteps[step]!;
      encodeRange4bit(values, stepStart, Math.min(stepStart + 8, end), inverseScale, codeOf, packed);
    }
  }
  if (!doubleQuant) return { type, blockSize, length, packed, absmax };
  const compressed = compressAbsmax(absmax, name);
  return { type, blockSize, length, packed, absmax: restoreAbsmax(compressed), doubleQuant: compressed };
}

/**
 * Encodes `values[start, end)` of one block with the bucket table, eight values (four bytes) per
 * step, and writes the start of each step that meets a split bucket, and of a last step shorter
 * than eight values, into `pendingSteps`.
 * @returns the number of pending steps. The loop makes no calls, so that V8 compiles it alone
 *   whichever code functions the decision-tree fallback has seen.
 */
function encodeBlock4bit(values: Float32Array, start: number, end: number, inverseScale: number, lookup: CodeLookupTable, packed: Uint8Array, pendingSteps: Int32Array): number {
  const { entries, offset } = lookup;
  // An imported binding read in the loop would be a property load (a getter call under tsx).
  const exact = EXACT_CODE;
  // p * bucketsPerUnit equals values[i] * bucketScale exactly: both scale by a power of two.
  const bucketScale = inverseScale * lookup.bucketsPerUnit;
  let pending = 0;
  let i = start;
  for (; i + 7 < end; i += 8) {
    const c0 = entries[(values[i]! * bucketScale + offset) | 0]!;
    const c1 = entries[(values[i + 1]! * bucketScale + offset) | 0]!;
    const c2 = entries[(values[i + 2]! * bucketScale + offset) | 0]!;
    const c3 = entries[(values[i + 3]! * bucketScale + offset) | 0]!;
    const c4 = entries[(values[i + 4]! * bucketScale + offset) | 0]!;
    const c5 = entries[(values[i + 5]! * bucketScale + offset) | 0]!;
    const c6 = entries[(values[i + 6]! * bucketScale + offset) | 0]!;
    const c7 = entries[(values[i + 7]! * bucketScale + offset) | 0]!;
    const byte = i >> 1;
    packed[byte] = (c0 << 4) | (c1 & 0x0f);
    packed[byte + 1] = (c2 << 4) | (c3 & 0x0f);
    packed[byte + 2] = (c4 << 4) | (c5 & 0x0f);
    packed[byte + 3] = (c6 << 4) | (c7 & 0x0f);
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) === exact) pendingSteps[pending++] = i;
  }
  if (i < end) pendingSteps[pending++] = i;
  return pending;
}

/**
 * Encodes `values[start, end)` with the decision tree, `start` even. An odd count leaves the last
 * low nibble 0.
 */
function encodeRange4bit(values: Float32Array, start: number, end: number, inverseScale: number, codeOf: (x: number) => number, packed: Uint8Array): void {
  for (let i = start; i < end; i += 2) {
    const high = codeOf(Math.fround(values[i]! * inverseScale));
    const low = i + 1 < end ? codeOf(Math.fround(values[i + 1]! * inverseScale)) : 0;
    packed[i >> 1] = (high << 4) | low;
  }
}

/**
 * Compresses block absmax values by double quantization: subtracts their float32 mean and
 * quantizes the differences with the signed dynamic map in blocks of 256.
 */
export function compressAbsmax(absmax: Float32Array, name = "tensor"): DoubleQuantizedAbsmax {
  let sum = 0;
  for (const value of absmax) sum += value;
  const offset = absmax.length === 0 ? 0 : Math.fround(sum / absmax.length);
  const centered = absmax.map((value) => value - offset);
  return { quantized: quantizeDynamicBlockwise(centered, DOUBLE_QUANT_BLOCK_SIZE, `${name} absmax`), offset };
}

/** Restores absmax values from their double-quantized form: `map[code] * absmax2 + offset` in float32. */
export function restoreAbsmax(compressed: DoubleQuantizedAbsmax): Float32Array {
  const restored = dequantizeDynamicBlockwise(compressed.quantized);
  for (let i = 0; i < restored.length; i++) restored[i] = restored[i]! + compressed.offset;
  return restored;
}

/**
 * Dequantizes a {@link FourBitTensor} into `length` float32 values in the original flat order.
 * @param out optional destination with at least `length` elements.
 */
export function dequantize4bit(tensor: FourBitTensor, out = new Float32Array(tensor.length)): Float32Array {
  const { type, blockSize, length, packed, absmax } = tensor;
  checkFourBitTensor(tensor);
  if (out.length < length) {
    throw new RangeError(`dequantize4bit: output has ${out.length} elements, needs ${length}.`);
  }
  const table = Float32Array.from(FOUR_BIT_CODE_TABLES[type]);
  for (let block = 0; block < absmax.length; block++) {
    const blockAbsmax = absmax[block]!;
    const start = block * blockSize;
    const end = Math.min(start + blockSize, length);
    let i = start;
    for (; i + 1 < end; i += 2) {
      const byte = packed[i >> 1]!;
      out[i] = table[byte >> 4]! * blockAbsmax;
      out[i + 1] = table[byte & 0x0f]! * blockAbsmax;
    }
    if (i < end) out[i] = table[packed[i >> 1]! >> 4]! * blockAbsmax;
  }
  return out;
}

/** Checks that a {@link FourBitTensor}'s buffers have the lengths its layout requires. */
export function checkFourBitTensor(tensor: FourBitTensor): void {
  const { type, blockSize, length, packed, absmax } = tensor;
  if (!(type in FOUR_BIT_CODE_TABLES)) {
    throw new RangeError(`Unknown 4-bit type "${String(type)}"; use "nf4" or "fp4".`);
  }
  validateBlockSize(blockSize);
  if (packed.length !== packedLength4bit(length)) {
    throw new RangeError(`4-bit tensor of ${length} values needs ${packedLength4bit(length)} packed bytes, got ${packed.length}.`);
  }
  if (absmax.length !== blockCount(length, blockSize)) {
    throw new RangeError(
      `4-bit tensor of ${length} values with block size ${blockSize} needs ${blockCount(length, blockSize)} absmax values, got ${absmax.length}.`,
    );
  }
}

/** Returns the decision-tree code function of a 4-bit type. */
export function codeFunction(type: FourBitType): (x: number) => number {
  if (type === "nf4") return nf4Code;
  if (type === "fp4") return fp4Code;
  throw new RangeError(`quantType must be "nf4" or "fp4", got ${JSON.stringify(type)}.`);
}
