/**
 * Quantization of one linear weight into plain typed arrays, the part of the graph rewrite that
 * runs on a worker thread as well as on the calling thread. Requests and results hold only
 * numbers, strings and typed arrays, so they pass between threads by structured clone: ordinary
 * buffers are transferred, and SharedArrayBuffer memory is shared.
 */

import {
  assertFinite,
  dequantize4bit,
  dequantizeInt4,
  quantize4bit,
  quantize4bitTransposed,
  quantizeInt4,
  quantizeInt8Columnwise,
  quantizeInt8Rowwise,
  type FourBitTensor,
  type Int4Tensor,
} from "../quant";
import type { WeightScheme } from "./quantize-graph";
import { isExternalTensorSlice, readTensorSlice, type ExternalTensorSlice } from "./file-range";
import { float32FromBytes } from "./float-data";
import { transposeMatrix } from "./transpose";

/** One linear weight to quantize. */
export interface LayerQuantizationRequest {
  /** Weight name, used in error messages. */
  name: string;
  /**
   * The float32 weight as the graph stores it: `[K, N]` row-major (MatMul's B), or `[N, K]` when
   * `storedOutIn` is true. Either a copy, whose buffer a worker receives by transfer, the
   * tensor's little-endian raw bytes in a SharedArrayBuffer, which the quantizing thread copies,
   * or the place of those bytes in an external data file, which the quantizing thread reads.
   */
  stored: Float32Array | Uint8Array | ExternalTensorSlice;
  storedOutIn: boolean;
  /** K. */
  inFeatures: number;
  /** N. */
  outFeatures: number;
  scheme: WeightScheme;
  /** Also return the dequantized and the original weight, both `[N, K]`, for a weight inspector. */
  inspect: boolean;
}

/** The arrays of one quantized weight, in the layout of its operator. */
export type QuantizedLayerArrays =
  /** DynamicQuantizeMatMul: int8 codes `[K, N]` (MatMul's B layout) and float32 scales `[N]`. */
  | { kind: "int8"; codesInOut: Int8Array; scales: Float32Array }
  /** MatMulBnb4: the weight as `[N, K]`, flattened and quantized block-wise; see fourbit.ts. */
  | { kind: "4bit"; tensor: FourBitTensor }
  /** MatMulNBits: `[N, kBlocks, blockSize / 2]` codes, low nibble first; see int4.ts. */
  | { kind: "int4"; tensor: Int4Tensor };

/** Result of a {@link LayerQuantizationRequest}. */
export interface LayerQuantizationResult {
  arrays: QuantizedLayerArrays;
  /** `[N, K]` float32 weight as the operator computes with it; present when inspected. */
  dequantized?: Float32Array;
  /** `[N, K]` float32 weight as the graph stored it; present when inspected. */
  original?: Float32Array;
  /** The request's Float32Array once read, for the caller to copy the next weight into. */
  spent?: Float32Array;
}

/**
 * Float32 working memory that one thread reuses from layer to layer: the aligned copy of a
 * weight and its transpose. Fresh memory costs a page fault per 4 KiB on first touch; reusing
 * it keeps that cost out of every layer.
 */
export class LayerScratch {
  private readonly buffers: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];

  /** Returns `length` values of reusable memory `slot`, holding whatever the last user left. */
  take(slot: 0 | 1, length: number): Float32Array {
    if (this.buffers[slot].length < length) this.buffers[slot] = new Float32Array(length);
    return this.buffers[slot].subarray(0, length);
  }
}

/**
 * Quantizes one weight for the operator of its scheme. The results never use `scratch`, so they
 * stay valid after the next call. A non-finite value is reported by its element index in the
 * weight as stored.
 */
export function quantizeLayer(request: LayerQuantizationRequest, scratch = new LayerScratch()): LayerQuantizationResult {
  const { name, storedOutIn, inFeatures: k, outFeatures: n, scheme, inspect } = request;
  const stored = readStored(request.stored, scratch);
  const spent = request.stored instanceof Float32Array ? request.stored : undefined;

  // INT8 of a [K, N] weight scales its columns in place, and 4-bit blocks that tile K are
  // encoded column by column. Every other case needs the [N, K] transpose.
  const columnwise = scheme.kind === "int8" || (scheme.kind === "4bit" && k % scheme.blockSize === 0);
  if (!storedOutIn && columnwise) {
    let arrays: QuantizedLayerArrays;
    if (scheme.kind === "4bit") {
      arrays = { kind: "4bit", tensor: quantize4bitTransposed(stored, k, n, { type: scheme.type, blockSize: scheme.blockSize, doubleQuant: scheme.doubleQuant ?? false, name }) };
    } else {
      const { codes, scales } = quantizeInt8Columnwise(stored, k, n, name);
      arrays = { kind: "int8", codesInOut: codes, scales };
    }
    if (!inspect) return { arrays, spent };
    return { arrays, dequantized: dequantizeLayer(arrays, n, k), original: transposeMatrix(stored, k, n, new Float32Array(stored.length)), spent };
  }
  let valuesOutIn = stored;
  if (!storedOutIn) valuesOutIn = transposeMatrix(stored, k, n, inspect ? new Float32Array(stored.length) : scratch.take(1, stored.length));
  else if (inspect && stored !== request.stored) valuesOutIn = stored.slice();

  let arrays: QuantizedLayerArrays;
  try {
    arrays = quantizeOutIn(valuesOutIn, n, k, scheme, name);
  } catch (error) {
    // The quantizers name an element of the transpose; name it in the stored weight instead.
    if (!storedOutIn) assertFinite(stored, name);
    throw error;
  }
  if (!inspect) return { arrays, spent };
  // The original is the request's own array when it needs no transpose: nothing to give back.
  return { arrays, dequantized: dequantizeLayer(arrays, n, k), original: valuesOutIn, spent: valuesOutIn === spent ? undefined : spent };
}

/** Quantizes a weight given as `[N, K]` row-major for the operator of `scheme`. */
function quantizeOutIn(valuesOutIn: Float32Array, n: number, k: number, scheme: WeightScheme, name: string): QuantizedLayerArrays {
  if (scheme.kind === "int8") {
    const { codes, scales } = quantizeInt8Rowwise(valuesOutIn, n, k, name);
    return { kind: "int8", codesInOut: transposeMatrix(codes, n, k, new Int8Array(codes.length)), scales };
  }
  if (scheme.kind === "int4") {
    return { kind: "int4", tensor: quantizeInt4(valuesOutIn, n, k, { blockSize: scheme.blockSize, symmetric: scheme.symmetric, name }) };
  }
  return { kind: "4bit", tensor: quantize4bit(valuesOutIn, { type: scheme.type, blockSize: scheme.blockSize, doubleQuant: scheme.doubleQuant ?? false, name }) };
}

/**
 * Returns the stored weight as a Float32Array: the request's array, or a view of shared bytes
 * that start on a 4-byte boundary (read, never written). Other shared bytes and ranges of an
 * external data file are copied into `scratch`, aligned.
 */
function readStored(stored: Float32Array | Uint8Array | ExternalTensorSlice, scratch: LayerScratch): Float32Array {
  if (stored instanceof Float32Array) return stored;
  if (isExternalTensorSlice(stored)) {
    const values = scratch.take(0, stored.byteLength >> 2);
    readTensorSlice(stored, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return values;
  }
  const length = stored.length >> 2;
  if (stored.byteOffset % 4 === 0) return new Float32Array(stored.buffer, stored.byteOffset, length);
  return float32FromBytes(stored, scratch.take(0, length + 2).buffer as ArrayBuffer);
}

/** Dequantizes a layer's arrays to the `[N, K]` row-major float32 weight that its operator uses. */
export function dequantizeLayer(arrays: QuantizedLayerArrays, outFeatures: number, inFeatures: number): Float32Array {
  if (arrays.kind === "4bit") return dequantize4bit(arrays.tensor);
  if (arrays.kind === "int4") return dequantizeInt4(arrays.tensor);

  // code * scale of its column in [K, N] order, then transposed to [N, K].
  const { codesInOut, scales } = arrays;
  const valuesInOut = new Float32Array(codesInOut.length);
  for (let row = 0; row < inFeatures; row++) {
    const start = row * outFeatures;
    for (let col = 0; col < outFeatures; col++) valuesInOut[start + col] = codesInOut[start + col]! * scales[col]!;
  }
  return transposeMatrix(valuesInOut, inFeatures, outFeatures, new Float32Array(valuesInOut.length));
}

/** Returns the distinct buffers of a result, to transfer it between threads without copies. */
export function layerResultBuffers(result: LayerQuantizationResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [];
  const { arrays } = result;
  if (arrays.kind === "int8") {
    views.push(arrays.codesInOut, arrays.scales);
  } else if (arrays.kind === "int4") {
    views.push(arrays.tensor.packed, arrays.tensor.scales);
    if (arrays.tensor.zeroPoints) views.push(arrays.tensor.zeroPoints);
  } else {
    const { packed, absmax, doubleQuant } = arrays.tensor;
    views.push(packed, absmax);
    if (doubleQuant) views.push(doubleQuant.quantized.codes, doubleQuant.quantized.absmax);
  }
  if (result.dequantized) views.push(result.dequantized);
  if (result.original) views.push(result.original);
  if (result.spent) views.push(result.spent);
  return [...new Set(views.map((view) => view.buffer as ArrayBuffer))];
}
