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

import { throwNonFinite } from "./finite";
import { columnMaxMagnitudeBits, float32Bits, FLOAT32_INFINITY_BITS, FLOAT32_MAX, maxMagnitudeBits } from "./float-bits";
import { checkMatrixLength } from "./layout";
import { int8SimdBuffer, type Int8SimdBuffer } from "./wasm/int8-simd";

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
 * Adding 1.5 * 2^52 to a double of magnitude below 2^51 rounds it to an integer, ties to even,
 * because the sum's unit in the last place is 1. The constant is a multiple of 256, so storing
 * the sum into an Int8Array, which keeps the integer modulo 256, stores that integer itself.
 */
const ROUND_HALF_EVEN_SHIFT = 1.5 * 2 ** 52;

/**
 * Quantizes a row-major `[rows, cols]` float32 matrix to INT8 with per-row absmax scales.
 *
 * Equals `quantizeInt8RowwiseReference` byte for byte. It finds each row's absmax and encodes the
 * row with WebAssembly SIMD where the runtime supports it, and otherwise runs
 * {@link quantizeInt8RowwiseJs}. Both paths compute the scales in JavaScript.
 * @throws RangeError for a shape that does not match `values.length` or a non-finite value.
 */
export function quantizeInt8Rowwise(values: Float32Array, rows: number, cols: number, name = "tensor"): Int8RowwiseTensor {
  const buffer = int8SimdBuffer();
  if (buffer === undefined) return quantizeInt8RowwiseJs(values, rows, cols, name);
  return quantizeInt8RowwiseSimd(buffer, values, rows, cols, name);
}

/**
 * Quantizes like {@link quantizeInt8Rowwise} in plain JavaScript: the path it takes without
 * WebAssembly SIMD.
 *
 * Equals `quantizeInt8RowwiseReference` byte for byte. With a finite inverse scale `127 / absmax`
 * every product rounds to at most 127 * (1 + 2^-24)^2 < 127.5 in magnitude, so the codes need no
 * clamping and are rounded with {@link ROUND_HALF_EVEN_SHIFT}. A row whose inverse scale overflows
 * float32 (absmax below about 3.7e-37) takes the scalar rounding and clamping.
 * @throws RangeError for a shape that does not match `values.length` or a non-finite value.
 */
export function quantizeInt8RowwiseJs(values: Float32Array, rows: number, cols: number, name = "tensor"): Int8RowwiseTensor {
  checkMatrixLength(values.length, rows, cols, name);

  const bits = float32Bits(values);
  const codes = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  const absmaxOf = float32FromBits();
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    const end = start + cols;

    // Find the row's absmax, which also detects NaN and Infinity, and the float32 factor 127 / absmax.
    const magnitudeBits = maxMagnitudeBits(bits, start, end);
    if (magnitudeBits >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);
    const absmax = absmaxOf(magnitudeBits);
    scales[row] = absmax / INT8_MAX_CODE;
    const inverseScale = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);

    // Encode, four values per step.
    if (inverseScale > FLOAT32_MAX) {
      encodeRangeInt8(values, start, end, inverseScale, codes);
      continue;
    }
    let i = start;
    for (; i + 3 < end; i += 4) {
      codes[i] = Math.fround(values[i]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + 1] = Math.fround(values[i + 1]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + 2] = Math.fround(values[i + 2]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + 3] = Math.fround(values[i + 3]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
    }
    for (; i < end; i++) codes[i] = Math.fround(values[i]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
  }
  return { rows, cols, codes, scales };
}

/**
 * Quantizes like {@link quantizeInt8Rowwise} with the WebAssembly kernels of `buffer`. Copies as
 * many whole rows into the buffer as fit, and copies their codes out once per batch. A row longer
 * than the buffer is read in chunks twice, first for its absmax and then to encode it.
 */
function quantizeInt8RowwiseSimd(buffer: Int8SimdBuffer, values: Float32Array, rows: number, cols: number, name: string): Int8RowwiseTensor {
  checkMatrixLength(values.length, rows, cols, name);

  const codes = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  const rowsPerBatch = Math.floor(buffer.capacity / cols);
  if (rowsPerBatch === 0) {
    for (let row = 0; row < rows; row++) quantizeLongRowSimd(buffer, values, row * cols, cols, name, codes, scales, row);
    return { rows, cols, codes, scales };
  }

  const absmaxOf = float32FromBits();
  for (let firstRow = 0; firstRow < rows; firstRow += rowsPerBatch) {
    const batchRows = Math.min(rowsPerBatch, rows - firstRow);
    const start = firstRow * cols;
    const length = batchRows * cols;
    buffer.values.set(values.subarray(start, start + length));
    for (let row = 0; row < batchRows; row++) {
      const magnitudeBits = buffer.maxMagnitudeBits(row * cols, cols);
      if (magnitudeBits >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);
      const absmax = absmaxOf(magnitudeBits);
      scales[firstRow + row] = absmax / INT8_MAX_CODE;
      // An inverse scale that overflows float32 is +Infinity, and encode clamps its products to
      // ±127 as the reference does.
      const inverseScale = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);
      buffer.encode(row * cols, cols, inverseScale);
    }
    codes.set(buffer.codes.subarray(0, length), start);
  }
  return { rows, cols, codes, scales };
}

/**
 * Quantizes `values[start, start + cols)`, a row longer than `buffer.capacity`, into the same
 * range of `codes` and into `scales[row]`.
 */
function quantizeLongRowSimd(
  buffer: Int8SimdBuffer,
  values: Float32Array,
  start: number,
  cols: number,
  name: string,
  codes: Int8Array,
  scales: Float32Array,
  row: number,
): void {
  const end = start + cols;
  let magnitudeBits = 0;
  for (let chunk = start; chunk < end; chunk += buffer.capacity) {
    const count = Math.min(buffer.capacity, end - chunk);
    buffer.values.set(values.subarray(chunk, chunk + count));
    magnitudeBits = Math.max(magnitudeBits, buffer.maxMagnitudeBits(0, count));
  }
  if (magnitudeBits >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);
  const absmax = float32FromBits()(magnitudeBits);
  scales[row] = absmax / INT8_MAX_CODE;
  const inverseScale = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);

  for (let chunk = start; chunk < end; chunk += buffer.capacity) {
    const count = Math.min(buffer.capacity, end - chunk);
    buffer.values.set(values.subarray(chunk, chunk + count));
    buffer.encode(0, count, inverseScale);
    codes.set(buffer.codes.subarray(0, count), chunk);
  }
}

/** A matrix quantized to INT8 with one scale per column, stored `[rows, cols]`. */
export interface Int8ColumnwiseTensor {
  rows: number;
  cols: number;
  /** `rows * cols` codes, row-major. */
  codes: Int8Array;
  /** `cols` float32 scales, `absmax / 127` of each column. */
  scales: Float32Array;
}

/**
 * Quantizes a row-major `[rows, cols]` float32 matrix to INT8 with per-column absmax scales:
 * the codes of {@link quantizeInt8Rowwise} on the transpose, in place of the transpose. A linear
 * weight stored as ONNX MatMul's `[K, N]` B gets one scale per output channel this way, reading
 * memory in order.
 * @throws RangeError for a shape that does not match `values.length` or a non-finite value.
 */
export function quantizeInt8Columnwise(values: Float32Array, rows: number, cols: number, name = "tensor"): Int8ColumnwiseTensor {
  checkMatrixLength(values.length, rows, cols, name);

  // Find every column's absmax from the float32 bit patterns.
  const bits = float32Bits(values);
  const columnBits = columnMaxMagnitudeBits(bits, cols, 0, rows, 0, cols, new Int32Array(cols));

  // Scales and the float32 factors 127 / absmax.
  const scales = new Float32Array(cols);
  const inverseScales = new Float64Array(cols);
  const overflowColumns: number[] = [];
  const absmaxOf = float32FromBits();
  for (let col = 0; col < cols; col++) {
    if (columnBits[col]! >= FLOAT32_INFINITY_BITS) throwNonFinite(values, name);
    const absmax = absmaxOf(columnBits[col]!);
    scales[col] = absmax / INT8_MAX_CODE;
    inverseScales[col] = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);
    if (inverseScales[col]! > FLOAT32_MAX) overflowColumns.push(col);
  }

  // Encode four rows at a time, reading each column's factor once; columns whose factor
  // overflows float32 are encoded again below.
  const codes = new Int8Array(values.length);
  let row = 0;
  for (; row + 3 < rows; row += 4) {
    const start = row * cols;
    for (let col = 0; col < cols; col++) {
      const inverseScale = inverseScales[col]!;
      const i = start + col;
      codes[i] = Math.fround(values[i]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + cols] = Math.fround(values[i + cols]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + 2 * cols] = Math.fround(values[i + 2 * cols]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
      codes[i + 3 * cols] = Math.fround(values[i + 3 * cols]! * inverseScale) + ROUND_HALF_EVEN_SHIFT;
    }
  }
  for (; row < rows; row++) {
    for (let col = 0; col < cols; col++) codes[row * cols + col] = Math.fround(values[row * cols + col]! * inverseScales[col]!) + ROUND_HALF_EVEN_SHIFT;
  }
  for (const col of overflowColumns) {
    for (let r = 0; r < rows; r++) encodeRangeInt8(values, r * cols + col, r * cols + col + 1, inverseScales[col]!, codes);
  }
  return { rows, cols, codes, scales };
}

/** Encodes `values[start, end)` with the scalar rounding and clamping to [-127, 127]. */
function encodeRangeInt8(values: Float32Array, start: number, end: number, inverseScale: number, codes: Int8Array): void {
  for (let i = start; i < end; i++) {
    const code = roundHalfEven(Math.fround(values[i]! * inverseScale));
    codes[i] = Math.max(-INT8_MAX_CODE, Math.min(INT8_MAX_CODE, code));
  }
}

/** Returns a function that reads an int32 bit pattern as a float32 value. */
function float32FromBits(): (bits: number) => number {
  const value = new Float32Array(1);
  const valueBits = float32Bits(value);
  return (bits) => {
    valueBits[0] = bits;
    return value[0]!;
  };
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
