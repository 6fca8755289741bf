/**
 * Scalar reference of INT8 per-row quantization, written for clarity rather than speed: one value
 * at a time, with explicit rounding and clamping. Tests use it as the oracle for
 * {@link quantizeInt8Rowwise} and {@link quantizeInt8Columnwise}.
 */

import { assertFinite } from "./finite";
import { INT8_MAX_CODE, roundHalfEven, type Int8RowwiseTensor } from "./int8";
import { checkMatrixLength } from "./layout";

/** Quantizes like `quantizeInt8Rowwise`: `round_half_even(x * float32(127 / absmax))` within [-127, 127]. */
export function quantizeInt8RowwiseReference(values: Float32Array, rows: number, cols: number, name = "tensor"): Int8RowwiseTensor {
  checkMatrixLength(values.length, rows, cols, name);
  assertFinite(values, name);

  const codes = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let absmax = 0;
    for (let col = 0; col < cols; col++) absmax = Math.max(absmax, Math.abs(values[row * cols + col]!));
    scales[row] = absmax / INT8_MAX_CODE;
    const inverseScale = absmax === 0 ? 0 : Math.fround(INT8_MAX_CODE / absmax);
    for (let col = 0; col < cols; col++) {
      const code = roundHalfEven(Math.fround(values[row * cols + col]! * inverseScale));
      codes[row * cols + col] = Math.max(-INT8_MAX_CODE, Math.min(INT8_MAX_CODE, code));
    }
  }
  return { rows, cols, codes, scales };
}
