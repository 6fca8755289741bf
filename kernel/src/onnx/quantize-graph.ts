/**
 * Quantization of every linear weight of a model in place. Each constant weight is read,
 * quantized for the chosen operator and its nodes rewritten. Its float32 tensor is dropped unless
 * a non-linear node, such as the Gather of tied embeddings, still reads it.
 */

import type { FourBitType } from "../quant";
import { indexGraph } from "./graph-index";
import { findLinearWeights, type LinearWeight, type SkippedLinearNode } from "./linear-weights";
import { quantizeForMatMulBnb4 } from "./matmul-bnb4";
import { quantizeForDynamicQuantizeMatMul } from "./matmul-int8";
import { quantizeForMatMulNBits } from "./matmul-nbits";
import type { onnx } from "./proto";
import type { QuantizedWeight, RewriteContext } from "./quantized-weight";
import { ensureOpsetImport, MICROSOFT_DOMAIN, rewriteLinearNode } from "./rewrite-linear";
import { readFloatTensor, tensorByteLength } from "./tensor";

/**
 * Storage of linear weights: INT8 per output channel (DynamicQuantizeMatMul), NF4 or FP4
 * block-wise (MatMulBnb4), or int4 block-wise along K (MatMulNBits).
 */
export type WeightScheme =
  | { kind: "int8" }
  | { kind: "4bit"; type: FourBitType; blockSize: number; doubleQuant?: boolean }
  | { kind: "int4"; blockSize: number; symmetric: boolean; accuracyLevel: number };

/** Storage scheme name of one weight. */
export type WeightSchemeName = "fp32" | "int8" | FourBitType | "int4";

/** Returns the scheme name of a {@link WeightScheme}. */
export function schemeName(scheme: WeightScheme | null): WeightSchemeName {
  if (scheme === null) return "fp32";
  if (scheme.kind === "4bit") return scheme.type;
  return scheme.kind;
}

/** Purpose of a stored tensor, as the memory footprint counts it. */
export type TensorRole = "quantized-weight" | "quantization-metadata" | "unquantized";

/** One linear weight after loading. */
export interface LinearLayerInfo {
  /** Name of the first node that reads the weight, such as `/layers.0/Wqkv/MatMul`. */
  name: string;
  /** Names of all MatMul or Gemm nodes that read the weight. */
  nodeNames: string[];
  weightName: string;
  inFeatures: number;
  outFeatures: number;
  scheme: WeightSchemeName;
  /** Bytes of the weight in float32. */
  fp32Bytes: number;
  /** Bytes the linear product reads: quantized codes plus metadata, or the float32 tensor. */
  storedBytes: number;
  /** Whether the float32 tensor stays in the graph because a non-linear node reads it. */
  fp32KeptFor?: string[];
}

/** Result of {@link quantizeLinearWeights}. */
export interface GraphQuantizationResult {
  layers: LinearLayerInfo[];
  skipped: SkippedLinearNode[];
  /** Role of every tensor the rewrite created; all other tensors are unquantized. */
  tensorRoles: Map<string, TensorRole>;
  /** Stored tensors declared as graph inputs; callers do not feed them. */
  overridableInputs: string[];
}

/**
 * Receives each linear weight as the model computes with it (`stored`, dequantized when
 * quantized) and as it was in the file (`original`), both `[N, K]` row-major float32 and the same
 * array for fp32. The arrays are released after the call returns.
 */
export type WeightInspector = (layer: LinearLayerInfo, stored: Float32Array, original: Float32Array) => void;

/**
 * Quantizes the linear weights of `model` in place with `scheme`, or only inspects them when
 * `scheme` is null.
 */
export function quantizeLinearWeights(model: onnx.IModelProto, scheme: WeightScheme | null, inspect?: WeightInspector): GraphQuantizationResult {
  const graph = model.graph!;
  const index = indexGraph(graph);
  const { weights, skipped } = findLinearWeights(graph, index);
  const uniqueName = uniqueNameFactory(graph);
  const sharedTensors = new Map<string, onnx.TensorProto>();
  const context: RewriteContext = {
    uniqueName,
    sharedTensor: (key, create) => {
      let tensor = sharedTensors.get(key);
      if (!tensor) {
        tensor = create(uniqueName(`dnaquant_${key.replace(/-/g, "_")}`));
        sharedTensors.set(key, tensor);
      }
      return tensor.name;
    },
  };
  const tensorRoles = new Map<string, TensorRole>();
  const overridableInputs: string[] = [];
  const removedConstants = new Set<string>();
  const layers: LinearLayerInfo[] = [];

  for (const weight of weights) {
    const valuesOutIn = readWeightOutIn(weight);
    const fp32Bytes = tensorByteLength(weight.constant.tensor);
    const layer: LinearLayerInfo = {
      name: weight.nodes[0]!.name,
      nodeNames: weight.nodes.map((linear) => linear.name),
      weightName: weight.weightName,
      inFeatures: weight.inFeatures,
      outFeatures: weight.outFeatures,
      scheme: "fp32",
      fp32Bytes,
      storedBytes: fp32Bytes,
    };
    if (!scheme) {
      inspect?.(layer, valuesOutIn, valuesOutIn);
      layers.push(layer);
      continue;
    }

    // Quantize once, however many nodes share the weight.
    const quantized = quantizeWeight(weight, valuesOutIn, scheme, context);
    graph.initializer!.push(quantized.weightTensor, ...quantized.metadataTensors);
    tensorRoles.set(quantized.weightTensor.name, "quantized-weight");
    for (const tensor of quantized.metadataTensors) tensorRoles.set(tensor.name, "quantization-metadata");
    if (quantized.preludeNodes) {
      const firstUser = graph.node!.indexOf(weight.nodes[0]!.node);
      graph.node!.splice(firstUser, 0, ...quantized.preludeNodes);
    }
    for (const input of quantized.overridableInputs ?? []) {
      graph.input!.push(input);
      overridableInputs.push(input.name);
    }
    for (const linear of weight.nodes) {
      const { initializers } = rewriteLinearNode(graph, linear, quantized.op, uniqueName);
      graph.initializer!.push(...initializers);
    }

    // Drop the float32 weight unless another node still reads it.
    if (weight.otherConsumers.length === 0) {
      removedConstants.add(weight.weightName);
    } else {
      layer.fp32KeptFor = weight.otherConsumers.map((node) => node.name || node.opType || "?");
    }
    layer.scheme = schemeName(scheme);
    layer.storedBytes = [quantized.weightTensor, ...quantized.metadataTensors].reduce((sum, tensor) => sum + tensorByteLength(tensor), 0);
    inspect?.(layer, quantized.dequantize(), valuesOutIn);
    layers.push(layer);
  }

  for (const tensor of sharedTensors.values()) {
    graph.initializer!.push(tensor);
    tensorRoles.set(tensor.name, "quantization-metadata");
  }
  if (scheme && layers.length > 0) ensureOpsetImport(model, MICROSOFT_DOMAIN, 1);
  graph.initializer = graph.initializer!.filter((tensor) => !removedConstants.has(tensor.name ?? ""));
  graph.node = graph.node!.filter((node) => !(node.opType === "Constant" && removedConstants.has(node.output?.[0] ?? "")));
  return { layers, skipped, tensorRoles, overridableInputs };
}

function quantizeWeight(weight: LinearWeight, valuesOutIn: Float32Array, scheme: WeightScheme, context: RewriteContext): QuantizedWeight {
  const { uniqueName } = context;
  const { weightName, inFeatures, outFeatures } = weight;
  if (scheme.kind === "int8") {
    const names = { codes: uniqueName(`${weightName}_int8`), scales: uniqueName(`${weightName}_scale`) };
    return quantizeForDynamicQuantizeMatMul(valuesOutIn, outFeatures, inFeatures, names, weightName);
  }
  if (scheme.kind === "int4") {
    const names = { codes: uniqueName(`${weightName}_int4`), scales: uniqueName(`${weightName}_scales`), zeroPoints: uniqueName(`${weightName}_zero_points`) };
    return quantizeForMatMulNBits(valuesOutIn, outFeatures, inFeatures, scheme, names, weightName);
  }
  return quantizeForMatMulBnb4(valuesOutIn, outFeatures, inFeatures, scheme, weightName, context);
}

/** Reads a weight as `[N, K]` row-major float32, transposing a `[K, N]` MatMul weight. */
export function readWeightOutIn(weight: LinearWeight): Float32Array {
  const stored = readFloatTensor(weight.constant.tensor);
  if (weight.storedOutIn) return stored;
  const { inFeatures: k, outFeatures: n } = weight;
  const transposed = new Float32Array(stored.length);
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < n; col++) transposed[col * k + row] = stored[row * n + col]!;
  }
  return transposed;
}

/** Returns a function that makes names unique among the graph's values and initializers. */
function uniqueNameFactory(graph: onnx.IGraphProto): (base: string) => string {
  const taken = new Set<string>();
  for (const tensor of graph.initializer ?? []) taken.add(tensor.name ?? "");
  for (const node of graph.node ?? []) {
    taken.add(node.name ?? "");
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) taken.add(name);
  }
  for (const value of [...(graph.input ?? []), ...(graph.output ?? [])]) taken.add(value.name ?? "");
  return (base: string) => {
    let name = base;
    for (let suffix = 1; taken.has(name); suffix++) name = `${base}_${suffix}`;
    taken.add(name);
    return name;
  };
}
