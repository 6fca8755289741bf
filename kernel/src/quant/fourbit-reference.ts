/**
 * Scalar reference of the 4-bit schemes, written for clarity rather than speed: it encodes each
 * value by counting the thresholds it exceeds and packs codes one at a time. Tests use it as the
 * oracle for {@link quantize4bit}.
 */

import { FP4_MAGNITUDE_THRESHOLDS, FP4_SIGN_BIT, NF4_THRESHOLDS } from "./codes";
import type { FourBitTensor, FourBitType } from "./fourbit";
import { blockCount, packedLength4bit, validateBlockSize } from "./layout";

/** Returns the NF4 code of a normalized value: the number of thresholds it exceeds. */
export function nf4CodeReference(x: number): number {
  return NF4_THRESHOLDS.filter((threshold) => x > threshold).length;
}

/** Returns the FP4 code of a normalized value: the sign bit for `x < 0` plus the magnitude code. */
export function fp4CodeReference(x: number): number {
  const magnitude = Math.abs(x);
  let code = 0;
  for (const entry of FP4_MAGNITUDE_THRESHOLDS) {
    if (magnitude > entry.threshold) code = entry.code;
  }
  return code + (x < 0 ? FP4_SIGN_BIT : 0);
}

/** Quantizes like `quantize4bit`, one value at a time, without input checks beyond the block size. */
export function quantize4bitReference(values: Float32Array, type: FourBitType, blockSize: number): FourBitTensor {
  validateBlockSize(blockSize);
  const codeOf = type === "nf4" ? nf4CodeReference : fp4CodeReference;
  const absmax = new Float32Array(blockCount(values.length, blockSize));
  const packed = new Uint8Array(packedLength4bit(values.length));
  for (let i = 0; i < values.length; i++) {
    const block = Math.floor(i / blockSize);
    absmax[block] = Math.max(absmax[block]!, Math.abs(values[i]!));
  }
  for (let i = 0; i < values.length; i++) {
    const blockAbsmax = absmax[Math.floor(i / blockSize)]!;
    const inverseScale = blockAbsmax === 0 ? 0 : Math.fround(1 / blockAbsmax);
    const code = codeOf(Math.fround(values[i]! * inverseScale));
    const shift = i % 2 === 0 ? 4 : 0;
    packed[Math.floor(i / 2)] = packed[Math.floor(i / 2)]! | (code << shift);
  }
  return { type, blockSize, length: values.length, packed, absmax };
}
