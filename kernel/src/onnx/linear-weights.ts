/**
 * Finding the linear weights of a graph: constant B inputs of MatMul and Gemm nodes.
 *
 * A MatMul qualifies when its B input is a constant of rank 2, or rank 3 with a leading 1, and
 * its A input is not a constant. A Gemm qualifies when B is a constant of rank 2 and transA is 0.
 * MatMuls of two activations (attention scores) have no constant input and are left alone.
 */

import { findAttribute, type GraphConstant, type GraphIndex } from "./graph-index";
import { int64ToNumber, onnx, tensorDims, type Int64 } from "./proto";
import { ONNX_DATA_TYPE } from "./tensor";

/** One MatMul or Gemm node whose weight is a constant. */
export interface LinearNode {
  node: onnx.INodeProto;
  /** Node name, or a name made from its first output when the node has none. */
  name: string;
  opType: "MatMul" | "Gemm";
  /** Gemm attributes (1, 1, 0 for MatMul). */
  alpha: number;
  beta: number;
  transB: boolean;
  /** Name of the Gemm bias input C, if any. */
  bias?: string;
}

/** A constant weight with every linear node that reads it. */
export interface LinearWeight {
  /** Name of the constant tensor. */
  weightName: string;
  constant: GraphConstant;
  /** Input features K and output features N of the linear map. */
  inFeatures: number;
  outFeatures: number;
  /**
   * Whether the constant is stored `[N, K]` (PyTorch's `[out_features, in_features]`, Gemm with
   * transB=1) rather than `[K, N]` (MatMul's B).
   */
  storedOutIn: boolean;
  /** Nodes that use the weight as their B input. */
  nodes: LinearNode[];
  /** Nodes other than linear ones that also read the weight (a Gather of tied embeddings). */
  otherConsumers: onnx.INodeProto[];
}

/** A node that looks linear but is left in fp32, with the reason. */
export interface SkippedLinearNode {
  name: string;
  reason: string;
}

/** Lists the graph's linear weights in graph order, and the linear-looking nodes that do not qualify. */
export function findLinearWeights(graph: onnx.IGraphProto, index: GraphIndex): { weights: LinearWeight[]; skipped: SkippedLinearNode[] } {
  const byWeight = new Map<string, LinearWeight>();
  const skipped: SkippedLinearNode[] = [];
  for (const node of graph.node ?? []) {
    if ((node.domain ?? "") !== "" || (node.opType !== "MatMul" && node.opType !== "Gemm")) continue;
    const name = node.name || `${node.opType}:${node.output?.[0] ?? "?"}`;
    const [inputA = "", inputB = ""] = node.input ?? [];
    const constant = index.constants.get(inputB);
    if (!constant) continue;
    if (index.constants.has(inputA)) {
      skipped.push({ name, reason: "both inputs are constants (constant folding leftover)" });
      continue;
    }
    if (constant.tensor.dataType !== ONNX_DATA_TYPE.FLOAT) {
      skipped.push({ name, reason: `weight "${inputB}" is not float32` });
      continue;
    }
    const linear = describeLinearNode(node, name);
    if (typeof linear === "string") {
      skipped.push({ name, reason: linear });
      continue;
    }
    const shape = weightShape(tensorDims(constant.tensor), linear);
    if (typeof shape === "string") {
      skipped.push({ name, reason: shape });
      continue;
    }

    const existing = byWeight.get(inputB);
    if (existing) {
      if (existing.storedOutIn !== linear.transB) {
        skipped.push({ name, reason: `weight "${inputB}" is shared with a node that reads it transposed` });
        continue;
      }
      existing.nodes.push(linear);
      continue;
    }
    byWeight.set(inputB, { weightName: inputB, constant, ...shape, storedOutIn: linear.transB, nodes: [linear], otherConsumers: [] });
  }

  // Linear nodes inside subgraphs (If branches, Loop and Scan bodies) stay in float32, and an
  // outer weight that a subgraph reads keeps its float32 tensor for it.
  const readInSubgraphs = new Map<string, onnx.INodeProto>();
  for (const { owner, attribute, subgraph } of subgraphsOf(graph)) {
    for (const node of subgraph.node ?? []) {
      for (const input of node.input ?? []) if (input && !readInSubgraphs.has(input)) readInSubgraphs.set(input, owner);
      if ((node.domain ?? "") !== "" || (node.opType !== "MatMul" && node.opType !== "Gemm")) continue;
      const weightInput = node.input?.[1] ?? "";
      const innerConstant = (subgraph.initializer ?? []).some((tensor) => tensor.name === weightInput);
      if (!innerConstant && !index.constants.has(weightInput)) continue;
      skipped.push({
        name: node.name || `${node.opType}:${node.output?.[0] ?? "?"}`,
        reason: `inside the ${attribute} subgraph of ${owner.opType} node ${owner.name || "(unnamed)"}; weights in subgraphs are not quantized`,
      });
    }
  }

  // Record non-linear readers, so that a weight shared with a Gather stays available to it.
  for (const weight of byWeight.values()) {
    const linearNodes = new Set(weight.nodes.map((linear) => linear.node));
    weight.otherConsumers = (index.consumers.get(weight.weightName) ?? []).filter((node) => !linearNodes.has(node));
    const subgraphOwner = readInSubgraphs.get(weight.weightName);
    if (subgraphOwner && !weight.otherConsumers.includes(subgraphOwner)) weight.otherConsumers.push(subgraphOwner);
  }
  return { weights: [...byWeight.values()], skipped };
}

/** Lists every subgraph of a graph's nodes, nested ones included, with the owning node and attribute. */
export function subgraphsOf(graph: onnx.IGraphProto): { owner: onnx.INodeProto; attribute: string; subgraph: onnx.IGraphProto }[] {
  const found: { owner: onnx.INodeProto; attribute: string; subgraph: onnx.IGraphProto }[] = [];
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      const graphs = [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])];
      for (const subgraph of graphs) {
        found.push({ owner: node, attribute: attribute.name ?? "?", subgraph });
        found.push(...subgraphsOf(subgraph).map((entry) => ({ ...entry, owner: node })));
      }
    }
  }
  return found;
}

function describeLinearNode(node: onnx.INodeProto, name: string): LinearNode | string {
  if (node.opType === "MatMul") {
    return { node, name, opType: "MatMul", alpha: 1, beta: 1, transB: false };
  }
  const transA = int64ToNumber(findAttribute(node, "transA")?.i as Int64 | undefined);
  if (transA !== 0) return "Gemm with transA=1 is not rewritten";
  const bias = node.input?.[2] || undefined;
  return {
    node,
    name,
    opType: "Gemm",
    alpha: findAttribute(node, "alpha")?.f ?? 1,
    beta: findAttribute(node, "beta")?.f ?? 1,
    transB: int64ToNumber(findAttribute(node, "transB")?.i as Int64 | undefined) !== 0,
    ...(bias ? { bias } : {}),
  };
}

function weightShape(dims: number[], linear: LinearNode): { inFeatures: number; outFeatures: number } | string {
  let matrix = dims;
  if (linear.opType === "MatMul" && dims.length === 3 && dims[0] === 1) matrix = dims.slice(1);
  if (matrix.length !== 2) return `weight of rank ${dims.length} (shape [${dims.join(", ")}]) is not a matrix`;
  const [rows, cols] = matrix as [number, number];
  return linear.transB ? { inFeatures: cols, outFeatures: rows } : { inFeatures: rows, outFeatures: cols };
}
