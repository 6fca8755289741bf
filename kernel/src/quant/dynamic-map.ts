/**
 * bitsandbytes' signed 8-bit dynamic data type (`create_dynamic_map(signed=True)`) and its
 * block-wise quantizer, which double quantization applies to the 4-bit absmax values.
 *
 * The map has 256 ascending float32 values in [-1, 1]: for each exponent e = 0..6 it holds
 * 2^e fraction values `10^(e-6) * m` and their negatives, where the m are the midpoints of
 * `2^e + 1` evenly spaced points from 0.1 to 1, plus 0 and 1. The construction below follows
 * bitsandbytes' float32 arithmetic (torch.linspace in float32, the scale rounded to float32).
 */

import { assertFinite } from "./finite";
import { blockCount } from "./layout";

/** Exponent bits of the dynamic map (bitsandbytes' default `max_exponent_bits=7`). */
const DYNAMIC_MAP_EXPONENTS = 7;

/** Values per block of the absmax quantization in double quantization. */
export const DOUBLE_QUANT_BLOCK_SIZE = 256;

/** Emulates `torch.linspace(start, end, steps)` for float32 on the CPU. */
function linspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const first = Math.fround(start);
  const last = Math.fround(end);
  const step = Math.fround((last - first) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? Math.fround(first + Math.fround(step * i)) : Math.fround(last - Math.fround(step * (steps - i - 1)));
  }
  return out;
}

/** Builds the signed dynamic map: 256 ascending float32 values. */
export function createSignedDynamicMap(): Float32Array {
  const values: number[] = [];
  for (let exponent = 0; exponent < DYNAMIC_MAP_EXPONENTS; exponent++) {
    const boundaries = linspaceFloat32(0.1, 1, 2 ** exponent + 1);
    const scale = Math.fround(10 ** (exponent - (DYNAMIC_MAP_EXPONENTS - 1)));
    for (let i = 0; i + 1 < boundaries.length; i++) {
      const mean = Math.fround(Math.fround(boundaries[i]! + boundaries[i + 1]!) / 2);
      values.push(Math.fround(scale * mean), Math.fround(-scale * mean));
    }
  }
  values.push(0, 1);
  return Float32Array.from(values.sort((a, b) => a - b));
}

/** The signed dynamic map, built once. */
export const SIGNED_DYNAMIC_MAP: Float32Array = createSignedDynamicMap();

/**
 * Returns the index of the map value nearest to `x` as bitsandbytes' `dQuantize` finds it: a
 * 7-step binary search from index 127, then a float32 midpoint test against the neighbours
 * (a value at a midpoint goes to the index the search ended on).
 */
export function dynamicMapCode(map: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let value = map[pivot]!;
  for (let step = 64; step > 0; step >>= 1) {
    if (x > value) {
      lowerPivot = pivot;
      lower = value;
      pivot += step;
    } else {
      upperPivot = pivot;
      upper = value;
      pivot -= step;
    }
    value = map[pivot]!;
  }
  if (upperPivot === 255) upper = map[upperPivot]!;
  if (lowerPivot === 0) lower = map[lowerPivot]!;

  if (x > value) {
    const midpoint = Math.fround(Math.fround(upper + value) * 0.5);
    return x > midpoint ? upperPivot : pivot;
  }
  const midpoint = Math.fround(Math.fround(lower + value) * 0.5);
  return x < midpoint ? lowerPivot : pivot;
}

/** Values quantized block-wise with the dynamic map. */
export interface DynamicMapTensor {
  /** Number of values. */
  length: number;
  blockSize: number;
  /** One uint8 code per value: an index into the map. */
  codes: Uint8Array;
  /** `ceil(length / blockSize)` float32 block absmax values. */
  absmax: Float32Array;
}

/**
 * Quantizes float32 values block-wise with the signed dynamic map (bitsandbytes'
 * `quantize_blockwise`): each value times the float32 reciprocal of its block's absmax is mapped
 * to the nearest map index. A block whose absmax is 0 gets the index of 0.
 */
export function quantizeDynamicBlockwise(values: Float32Array, blockSize = DOUBLE_QUANT_BLOCK_SIZE, name = "tensor"): DynamicMapTensor {
  assertFinite(values, name);
  const length = values.length;
  const absmax = new Float32Array(blockCount(length, blockSize));
  const codes = new Uint8Array(length);
  for (let block = 0; block < absmax.length; block++) {
    const start = block * blockSize;
    const end = Math.min(start + blockSize, length);
    let blockAbsmax = 0;
    for (let i = start; i < end; i++) blockAbsmax = Math.max(blockAbsmax, Math.abs(values[i]!));
    absmax[block] = blockAbsmax;
    const inverseScale = blockAbsmax === 0 ? 0 : Math.fround(1 / blockAbsmax);
    for (let i = start; i < end; i++) codes[i] = dynamicMapCode(SIGNED_DYNAMIC_MAP, Math.fround(values[i]! * inverseScale));
  }
  return { length, blockSize, codes, absmax };
}

/** Dequantizes a {@link DynamicMapTensor}: `map[code] * absmax`, rounded to float32. */
export function dequantizeDynamicBlockwise(tensor: DynamicMapTensor, out = new Float32Array(tensor.length)): Float32Array {
  const { length, blockSize, codes, absmax } = tensor;
  for (let i = 0; i < length; i++) out[i] = SIGNED_DYNAMIC_MAP[codes[i]!]! * absmax[Math.floor(i / blockSize)]!;
  return out;
}
