/**
 * Small ONNX graphs built in code for tests: one linear layer (MatMul or Gemm) with a constant
 * weight, fed by a float input.
 */

import { makeTensor, onnx, ONNX_DATA_TYPE } from "../../kernel/src/onnx";

/** Options of {@link linearModel}. */
export interface LinearModelOptions {
  /** `[K, N]` row-major weight for MatMul, or `[N, K]` for Gemm with transB. */
  weight: Float32Array;
  inFeatures: number;
  outFeatures: number;
  opType?: "MatMul" | "Gemm";
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /** Gemm bias C of length N. */
  bias?: Float32Array;
}

/** Builds a model `Y = X · W` (or a Gemm) with input "X" `[batch, K]` and output "Y" `[batch, N]`. */
export function linearModel(options: LinearModelOptions): onnx.ModelProto {
  const { weight, inFeatures: k, outFeatures: n, opType = "MatMul", transB = false, alpha = 1, beta = 1, bias } = options;
  const weightDims = transB ? [n, k] : [k, n];
  const initializer = [makeTensor("W", ONNX_DATA_TYPE.FLOAT, weightDims, weight)];
  const inputs = ["X", "W"];
  const attribute: onnx.IAttributeProto[] = [];
  if (opType === "Gemm") {
    attribute.push({ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: transB ? 1 : 0 });
    attribute.push({ name: "alpha", type: onnx.AttributeProto.AttributeType.FLOAT, f: alpha });
    attribute.push({ name: "beta", type: onnx.AttributeProto.AttributeType.FLOAT, f: beta });
    if (bias) {
      initializer.push(makeTensor("C", ONNX_DATA_TYPE.FLOAT, [n], bias));
      inputs.push("C");
    }
  }
  const valueInfo = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: ONNX_DATA_TYPE.FLOAT,
          shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) },
        },
      },
    });
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "dnaquant-tests",
    graph: {
      name: "linear",
      node: [{ name: "linear", opType, input: inputs, output: ["Y"], attribute }],
      initializer,
      input: [valueInfo("X", ["batch", k])],
      output: [valueInfo("Y", ["batch", n])],
    },
  });
}
