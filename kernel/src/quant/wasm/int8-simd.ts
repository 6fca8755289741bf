/**
 * Loads the WebAssembly SIMD kernels of INT8 per-row quantization (int8.wat) and wraps them as a
 * buffer that rows are copied into, encoded in, and copied out of.
 *
 * Memory layout of the module's single 64 KiB page, which never grows (the module has no
 * `memory.grow` and this file never calls `grow`), so the views below stay valid:
 * - values: float32, bytes [0, 4 * capacity), the rows being quantized, one after another;
 * - codes: int8, bytes [4 * capacity, 5 * capacity), the codes of `values` in the same order.
 * `capacity` is the largest multiple of 16 values whose 5 bytes each fit the page: 13104.
 *
 * The module is compiled and instantiated synchronously from embedded bytes, so it loads the
 * same way in Node and in browsers.
 */

import { INT8_WASM_BYTES } from "./int8-module";

/** The part of the `WebAssembly` namespace used here, typed here because the TypeScript ES2022 lib does not declare it. */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: object };
}

/** Exports of int8.wat. Offsets are in bytes and counts in values, as the .wat file documents. */
interface Int8WasmExports {
  memory: { buffer: ArrayBuffer };
  maxMagnitudeBits(source: number, count: number): number;
  encode(source: number, target: number, count: number, inverseScale: number): void;
}

/** A row buffer in WebAssembly memory with the SIMD kernels that work on it. */
export interface Int8SimdBuffer {
  /** Number of values that fit in the buffer at once. */
  readonly capacity: number;
  /** Float32 values to quantize, `capacity` long. */
  readonly values: Float32Array;
  /** Int8 codes, `capacity` long: `codes[i]` is the code of `values[i]` once encoded. */
  readonly codes: Int8Array;
  /**
   * Returns the largest `bits & 0x7fffffff` over the float32 bit patterns of
   * `values[start, start + count)`: the bit pattern of their absmax, at least 0x7f800000 when
   * one of them is Infinity or NaN.
   */
  maxMagnitudeBits(start: number, count: number): number;
  /**
   * Writes `codes[i] = clamp(round_half_even(float32(values[i] * inverseScale)), -127, 127)` for
   * i in [start, start + count). `inverseScale` is a float32 value or +Infinity, and the values
   * must be finite.
   */
  encode(start: number, count: number, inverseScale: number): void;
}

/** Bytes per buffered value: 4 for the float32 value and 1 for its int8 code. */
const BYTES_PER_VALUE = 5;

/** The SIMD loop handles 16 values per step, so the capacity is a multiple of 16. */
const VALUES_PER_STEP = 16;

let shared: Int8SimdBuffer | undefined | null = null;

/**
 * Returns this thread's SIMD buffer, instantiating the module on the first call, or undefined
 * when the runtime has no WebAssembly or does not support its SIMD instructions.
 */
export function int8SimdBuffer(): Int8SimdBuffer | undefined {
  if (shared === null) shared = instantiateInt8Simd((globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly);
  return shared;
}

/**
 * Instantiates the INT8 kernels with the given `WebAssembly` namespace. Returns undefined when
 * it is missing, when it rejects the module as invalid (a runtime without 128-bit SIMD or
 * saturating conversions), or when compiling throws, as it does in a browser page whose
 * Content Security Policy forbids WebAssembly.
 */
export function instantiateInt8Simd(webAssembly: WebAssemblyApi | undefined): Int8SimdBuffer | undefined {
  if (webAssembly === undefined) return undefined;
  const bytes = Uint8Array.from(INT8_WASM_BYTES);
  if (!webAssembly.validate(bytes)) return undefined;
  let exports: Int8WasmExports;
  try {
    exports = new webAssembly.Instance(new webAssembly.Module(bytes)).exports as Int8WasmExports;
  } catch {
    return undefined;
  }
  return wrapExports(exports);
}

function wrapExports(exports: Int8WasmExports): Int8SimdBuffer {
  const { buffer } = exports.memory;
  const capacity = Math.floor(buffer.byteLength / BYTES_PER_VALUE / VALUES_PER_STEP) * VALUES_PER_STEP;
  const codesOffset = 4 * capacity;
  const { maxMagnitudeBits, encode } = exports;
  return {
    capacity,
    values: new Float32Array(buffer, 0, capacity),
    codes: new Int8Array(buffer, codesOffset, capacity),
    maxMagnitudeBits: (start, count) => maxMagnitudeBits(4 * start, count),
    encode: (start, count, inverseScale) => encode(4 * start, codesOffset + start, count, inverseScale),
  };
}
