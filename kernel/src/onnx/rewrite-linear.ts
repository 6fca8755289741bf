/**
 * Replacing a MatMul or Gemm node by a quantized matrix multiplication with the same output
 * name, so that the rest of the graph is unchanged.
 */

import type { LinearNode } from "./linear-weights";
import { onnx } from "./proto";
import { makeTensor, ONNX_DATA_TYPE } from "./tensor";

/** Operator domain of onnxruntime's contrib operators. */
export const MICROSOFT_DOMAIN = "com.microsoft";

/** A quantized matrix multiplication `Y = A · dequantize(W)` with `W` of shape `[K, N]`. */
export interface QuantizedMatMul {
  opType: string;
  domain: string;
  /** Inputs after A: the quantized weight and its quantization tensors, "" for an absent one. */
  weightInputs: string[];
  attributes: onnx.IAttributeProto[];
}

/** Tensors and nodes that a rewrite adds to the graph. */
export interface LinearRewrite {
  /** New initializers the replacement nodes read (Gemm's alpha and bias terms). */
  initializers: onnx.TensorProto[];
}

/**
 * Rewrites `linear.node` in place into `op`, followed, for a Gemm, by a Mul for alpha and an Add
 * for `beta * C` when they are not the identity. Added nodes are inserted right after the node
 * so that graph order stays topological.
 */
export function rewriteLinearNode(graph: onnx.IGraphProto, linear: LinearNode, op: QuantizedMatMul, uniqueName: (base: string) => string): LinearRewrite {
  const { node } = linear;
  const output = node.output?.[0] ?? "";
  const inputA = node.input?.[0] ?? "";
  const initializers: onnx.TensorProto[] = [];
  const followers: onnx.INodeProto[] = [];

  // Gemm: Y = alpha * (A · W) + beta * C, built from the quantized product.
  let productOutput = output;
  if (linear.opType === "Gemm" && (linear.alpha !== 1 || linear.bias)) {
    productOutput = uniqueName(`${output}_product`);
    let current = productOutput;
    if (linear.alpha !== 1) {
      const alphaName = uniqueName(`${linear.name}_alpha`);
      initializers.push(makeTensor(alphaName, ONNX_DATA_TYPE.FLOAT, [], Float32Array.of(linear.alpha)));
      const scaled = linear.bias ? uniqueName(`${output}_scaled`) : output;
      followers.push(onnx.NodeProto.create({ name: uniqueName(`${linear.name}/alpha`), opType: "Mul", input: [current, alphaName], output: [scaled] }));
      current = scaled;
    }
    if (linear.bias) {
      let biasInput = linear.bias;
      if (linear.beta !== 1) {
        const betaName = uniqueName(`${linear.name}_beta`);
        initializers.push(makeTensor(betaName, ONNX_DATA_TYPE.FLOAT, [], Float32Array.of(linear.beta)));
        biasInput = uniqueName(`${linear.name}_scaled_bias`);
        followers.push(onnx.NodeProto.create({ name: uniqueName(`${linear.name}/beta`), opType: "Mul", input: [linear.bias, betaName], output: [biasInput] }));
      }
      followers.push(onnx.NodeProto.create({ name: uniqueName(`${linear.name}/bias`), opType: "Add", input: [current, biasInput], output: [output] }));
    }
  }

  // Turn the node itself into the quantized product.
  node.opType = op.opType;
  node.domain = op.domain;
  node.input = trimTrailingEmpty([inputA, ...op.weightInputs]);
  node.output = [productOutput];
  node.attribute = op.attributes;

  const position = (graph.node ?? []).indexOf(node);
  graph.node!.splice(position + 1, 0, ...followers);
  return { initializers };
}

/** Adds an opset import for `domain` if the model has none. */
export function ensureOpsetImport(model: onnx.IModelProto, domain: string, version: number): void {
  const imports = (model.opsetImport ??= []);
  if (!imports.some((entry) => (entry.domain ?? "") === domain)) {
    imports.push(onnx.OperatorSetIdProto.create({ domain, version }));
  }
}

/** Creates an INT attribute. */
export function intAttribute(name: string, value: number): onnx.AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
}

function trimTrailingEmpty(inputs: string[]): string[] {
  let end = inputs.length;
  while (end > 0 && inputs[end - 1] === "") end--;
  return inputs.slice(0, end);
}
