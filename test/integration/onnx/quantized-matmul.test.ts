import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as ort from "onnxruntime-node";

import { encodeModel, quantizeLinearWeights, type WeightScheme } from "../../../kernel/src/onnx";
import { roundHalfEven } from "../../../kernel/src/quant";
import { linearModel, type LinearModelOptions } from "../../helpers/onnx-graphs";
import { standardNormal } from "../../helpers/random";

/**
 * Largest relative error (max |ort - expected| / max |expected|) allowed between onnxruntime
 * and the TypeScript reference. Both sum the same float32 products in different orders; over
 * K = 256 terms the observed difference is about 1e-7.
 */
const FLOAT_SUM_TOLERANCE = 1e-5;

/** Runs `model` on X `[rows, k]` and returns Y. */
async function runModel(model: ReturnType<typeof linearModel>, x: Float32Array, rows: number, k: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: "all" });
  const { Y } = await session.run({ X: new ort.Tensor("float32", x, [rows, k]) });
  await session.release();
  return Y!.data as Float32Array;
}

/** Computes X `[rows, k]` · Wᵀ for W given as `[n, k]`, in float64. */
function matmulOutIn(x: ArrayLike<number>, weightOutIn: Float32Array, rows: number, k: number, n: number): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < n; c++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += x[r * k + i]! * weightOutIn[c * k + i]!;
      y[r * n + c] = sum;
    }
  }
  return y;
}

/** Quantizes X to uint8 as ONNX DynamicQuantizeLinear does and returns the dequantized values. */
function dynamicQuantizeLinear(x: Float32Array): Float32Array {
  let min = 0;
  let max = 0;
  for (const value of x) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = Math.min(255, Math.max(0, roundHalfEven(-min / scale)));
  return x.map((value) => {
    const code = Math.min(255, Math.max(0, roundHalfEven(Math.fround(value / scale)) + zeroPoint));
    return (code - zeroPoint) * scale;
  });
}

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxError = 0;
  let maxExpected = 0;
  for (let i = 0; i < expected.length; i++) {
    maxError = Math.max(maxError, Math.abs(actual[i]! - expected[i]!));
    maxExpected = Math.max(maxExpected, Math.abs(expected[i]!));
  }
  return maxError / maxExpected;
}

const ROWS = 7;
const K = 256;
const N = 48;

const CASES: { name: string; scheme: WeightScheme; quantizeInput: boolean }[] = [
  { name: "MatMulBnb4 NF4 block 64", scheme: { kind: "4bit", type: "nf4", blockSize: 64 }, quantizeInput: false },
  { name: "MatMulBnb4 FP4 block 128", scheme: { kind: "4bit", type: "fp4", blockSize: 128 }, quantizeInput: false },
  { name: "MatMulBnb4 NF4 block 16", scheme: { kind: "4bit", type: "nf4", blockSize: 16 }, quantizeInput: false },
  { name: "DynamicQuantizeMatMul INT8", scheme: { kind: "int8" }, quantizeInput: true },
  { name: "MatMulBnb4 NF4 double quant", scheme: { kind: "4bit", type: "nf4", blockSize: 64, doubleQuant: true }, quantizeInput: false },
  { name: "MatMulNBits int4 symmetric block 32", scheme: { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 0 }, quantizeInput: false },
  { name: "MatMulNBits int4 asymmetric block 64", scheme: { kind: "int4", blockSize: 64, symmetric: false, accuracyLevel: 0 }, quantizeInput: false },
  { name: "MatMulNBits int4 symmetric block 128", scheme: { kind: "int4", blockSize: 128, symmetric: true, accuracyLevel: 0 }, quantizeInput: false },
];

describe("quantized MatMul in onnxruntime", () => {
  for (const { name, scheme, quantizeInput } of CASES) {
    it(`${name} equals x · dequantize(W)`, async () => {
      const weight = standardNormal(K * N, 21).map((value) => value * 0.05);
      const x = standardNormal(ROWS * K, 22);
      const model = linearModel({ weight, inFeatures: K, outFeatures: N });

      let dequantized: Float32Array | undefined;
      const result = await quantizeLinearWeights(model, scheme, (_layer, values) => {
        dequantized = values.slice();
      });
      assert.equal(result.layers.length, 1);
      assert.equal((model.graph!.node ?? []).find((node) => node.name === "linear")?.domain, "com.microsoft");
      assert.ok(!(model.graph!.initializer ?? []).some((tensor) => tensor.name === "W"), "float32 weight dropped");

      const actual = await runModel(model, x, ROWS, K);
      const input = quantizeInput ? dynamicQuantizeLinear(x) : x;
      const expected = matmulOutIn(input, dequantized!, ROWS, K, N);
      const error = relativeError(actual, expected);
      assert.ok(error < FLOAT_SUM_TOLERANCE, `relative error ${error.toExponential(3)} >= ${FLOAT_SUM_TOLERANCE}`);
    });
  }

  const gemmCases: { name: string; options: Partial<LinearModelOptions> }[] = [
    { name: "Gemm transB with bias", options: { opType: "Gemm", transB: true, bias: standardNormal(N, 31) } },
    { name: "Gemm alpha, beta and bias", options: { opType: "Gemm", transB: false, alpha: 0.5, beta: 2, bias: standardNormal(N, 32) } },
  ];
  for (const { name, options } of gemmCases) {
    it(`${name} keeps fp32 semantics with NF4`, async () => {
      const weight = standardNormal(K * N, 23).map((value) => value * 0.05);
      const x = standardNormal(ROWS * K, 24);
      const full = linearModel({ weight, inFeatures: K, outFeatures: N, ...options });
      const reference = await runModel(full, x, ROWS, K);

      const model = linearModel({ weight, inFeatures: K, outFeatures: N, ...options });
      let dequantized: Float32Array | undefined;
      await quantizeLinearWeights(model, { kind: "4bit", type: "nf4", blockSize: 64 }, (_layer, values) => {
        dequantized = values.slice();
      });
      const actual = await runModel(model, x, ROWS, K);

      // Expected: alpha * x · dequantize(W) + beta * C.
      const product = matmulOutIn(x, dequantized!, ROWS, K, N);
      const { alpha = 1, beta = 1, bias } = options;
      const expected = product.map((value, i) => alpha * value + beta * (bias ? bias[i % N]! : 0));
      const error = relativeError(actual, expected);
      assert.ok(error < FLOAT_SUM_TOLERANCE, `relative error ${error.toExponential(3)} >= ${FLOAT_SUM_TOLERANCE}`);
      assert.ok(relativeError(actual, reference) < 0.2, "quantized output stays close to the fp32 Gemm");
    });
  }
});
