/**
 * Memory footprint of a model's weights as the onnxruntime session stores them. It is split into
 * quantized weight codes, quantization metadata and unquantized tensors.
 */

import { tensorByteLength, type GraphQuantizationResult, type onnx, type TensorRole } from "../onnx";

/** Bytes of every stored tensor of a model, by role. */
export interface MemoryFootprint {
  /** Bytes of all stored tensors: the sum of the three parts below. */
  totalBytes: number;
  /** Quantized weight codes (int8 or packed 4-bit). */
  quantizedWeightBytes: number;
  /** Scales, absmax values and zero points of the quantized weights. */
  quantizationMetadataBytes: number;
  /** Tensors kept in their original type: embeddings, norms, biases, unquantized weights. */
  unquantizedBytes: number;
  /** The linear weights alone. */
  linearWeights: {
    /** Number of linear weights. */
    count: number;
    /** Number stored quantized. */
    quantizedCount: number;
    /** Bytes the linear weights take in float32. */
    fp32Bytes: number;
    /** Bytes they take as stored (codes plus metadata for quantized ones). */
    storedBytes: number;
  };
}

/**
 * Measures the footprint of a rewritten graph: initializers and Constant-node tensors, each
 * counted once.
 */
export function measureFootprint(graph: onnx.IGraphProto, quantization: GraphQuantizationResult): MemoryFootprint {
  const bytesByRole: Record<TensorRole, number> = { "quantized-weight": 0, "quantization-metadata": 0, unquantized: 0 };
  const counted = new Set<string>();
  const add = (name: string, tensor: onnx.ITensorProto) => {
    if (counted.has(name)) return;
    counted.add(name);
    bytesByRole[quantization.tensorRoles.get(name) ?? "unquantized"] += tensorByteLength(tensor);
  };
  for (const tensor of graph.initializer ?? []) add(tensor.name ?? "", tensor);
  for (const node of graph.node ?? []) {
    if (node.opType !== "Constant") continue;
    const value = (node.attribute ?? []).find((attribute) => attribute.name === "value")?.t;
    if (value) add(node.output?.[0] ?? "", value);
  }

  const { layers } = quantization;
  return {
    totalBytes: bytesByRole["quantized-weight"] + bytesByRole["quantization-metadata"] + bytesByRole.unquantized,
    quantizedWeightBytes: bytesByRole["quantized-weight"],
    quantizationMetadataBytes: bytesByRole["quantization-metadata"],
    unquantizedBytes: bytesByRole.unquantized,
    linearWeights: {
      count: layers.length,
      quantizedCount: layers.filter((layer) => layer.scheme !== "fp32").length,
      fp32Bytes: layers.reduce((sum, layer) => sum + layer.fp32Bytes, 0),
      storedBytes: layers.reduce((sum, layer) => sum + layer.storedBytes, 0),
    },
  };
}
