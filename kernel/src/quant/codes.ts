/**
 * The 4-bit code tables of bitsandbytes, as float32 values, with the decision thresholds that
 * its quantization kernels use.
 *
 * Provenance: the values are the float literals of bitsandbytes' `dDequantizeNF4`,
 * `dQuantizeNF4`, `dDequantizeFP4Tree` and `dQuantizeFP4` (csrc/kernels.cu), which equal
 * `bitsandbytes.functional.get_4bit_type("nf4" | "fp4")`. onnxruntime's MatMulBnb4 kernel
 * dequantizes with the same tables (quant_type 1 = NF4, 0 = FP4).
 *
 * To regenerate NF4 (bitsandbytes `create_normal_map` with offset 0.9677083): the 8 positive
 * values are the N(0, 1) quantiles at the first 8 of 9 evenly spaced probabilities from 0.9677083
 * down to 0.5, the 7 negative values are the negated quantiles at the first 7 of 8 such
 * probabilities, zero is added, and all 16 are divided by the largest. FP4 is E2M1 with exponent
 * bias 3 and a subnormal, divided by its maximum 12.
 */

/** NF4 code table: index is the 4-bit code, ascending from -1 to 1. */
export const NF4_CODE_VALUES: readonly number[] = Object.freeze(
  [
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
  ].map(Math.fround),
);

/**
 * NF4 decision thresholds: `NF4_THRESHOLDS[i]` separates code `i` from code `i + 1`.
 * Each is the midpoint of its two codes, rounded to float32 as the CUDA literal is. A normalized
 * value `x` gets the code equal to the number of thresholds `t` with `x > t`, so a value equal to
 * a threshold goes to the lower code.
 */
export const NF4_THRESHOLDS: readonly number[] = Object.freeze(
  [
    -0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544,
    -0.23460740596055984, -0.13791173323988914, -0.045525018125772476, 0.03979014977812767,
    0.1202552504837513, 0.2035212516784668, 0.2920137718319893, 0.3893125355243683,
    0.5016634166240692, 0.6427869200706482, 0.8614784181118011,
  ].map(Math.fround),
);

/**
 * FP4 (E2M1) magnitudes by the low three bits of the code; bit 3 (value 8) is the sign.
 * Unnormalized, the magnitudes are 0, 0.0625, 8, 12, 4, 6, 2, 3, divided by 12.
 */
export const FP4_MAGNITUDES: readonly number[] = Object.freeze(
  [0.0, 5.208333333e-3, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25].map(Math.fround),
);

/** FP4 code table: index is the 4-bit code; codes 8 to 15 are the negatives of 0 to 7. */
export const FP4_CODE_VALUES: readonly number[] = Object.freeze(
  [...FP4_MAGNITUDES, ...FP4_MAGNITUDES.map((magnitude) => -magnitude)],
);

/**
 * FP4 decision thresholds on the magnitude, in ascending magnitude order, with the code that a
 * magnitude above each threshold (and not above the next) receives. A magnitude at or below the
 * first threshold gets code 0. These are bitsandbytes' `dQuantizeFP4` pivots: midpoints of
 * neighbouring magnitudes, written as float32 literals.
 */
export const FP4_MAGNITUDE_THRESHOLDS: readonly { threshold: number; code: number }[] = Object.freeze([
  { threshold: Math.fround(0.00260417), code: 0b001 },
  { threshold: Math.fround(0.0859375), code: 0b110 },
  { threshold: Math.fround(0.20833333), code: 0b111 },
  { threshold: Math.fround(0.29166667), code: 0b100 },
  { threshold: Math.fround(0.4166667), code: 0b101 },
  { threshold: Math.fround(0.583333), code: 0b010 },
  { threshold: Math.fround(0.8333333), code: 0b011 },
]);

/** Sign bit of an FP4 code. */
export const FP4_SIGN_BIT = 0b1000;
