import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  dequantize4bit,
  dequantizeInt8Rowwise,
  errorMetrics,
  quantize4bit,
  quantizeInt8Rowwise,
} from "../../../kernel/src/quant";
import { standardNormal } from "../../helpers/random";

/**
 * Bounds on relative MSE (MSE / variance) of a round trip on standard-normal data. The NF4 band
 * comes from bitsandbytes' published block-64 figure (about 8.46e-3); the INT8 target 5.87e-5 is
 * the expected per-row absmax error for rows of 768, allowed 3% either way.
 */
const NF4_BLOCK64_RELATIVE_MSE = { low: 8.2e-3, high: 8.7e-3 };
const INT8_ROW768_RELATIVE_MSE = 5.87e-5;
const INT8_TOLERANCE = 0.03;

describe("quantization error on standard-normal data", () => {
  it("NF4 block 64 on 2^20 values", () => {
    const values = standardNormal(1 << 20, 1);
    const restored = dequantize4bit(quantize4bit(values, { type: "nf4", blockSize: 64 }));
    const { relativeMse } = errorMetrics(values, restored);
    assert.ok(
      relativeMse >= NF4_BLOCK64_RELATIVE_MSE.low && relativeMse <= NF4_BLOCK64_RELATIVE_MSE.high,
      `relative MSE ${relativeMse.toExponential(4)} outside [${NF4_BLOCK64_RELATIVE_MSE.low}, ${NF4_BLOCK64_RELATIVE_MSE.high}]`,
    );
  });

  it("INT8 per row, 5461 rows of 768", () => {
    const rows = 5461;
    const cols = 768;
    const values = standardNormal(rows * cols, 2);
    const restored = dequantizeInt8Rowwise(quantizeInt8Rowwise(values, rows, cols));
    const { relativeMse } = errorMetrics(values, restored);
    const deviation = Math.abs(relativeMse / INT8_ROW768_RELATIVE_MSE - 1);
    assert.ok(
      deviation <= INT8_TOLERANCE,
      `relative MSE ${relativeMse.toExponential(4)} is ${(deviation * 100).toFixed(2)}% from ${INT8_ROW768_RELATIVE_MSE} (bound ${INT8_TOLERANCE * 100}%)`,
    );
  });
});
