/**
 * Look-up tables over a GraphProto: constant tensors (initializers and Constant nodes) by name,
 * and the nodes that consume each value.
 */

import { onnx } from "./proto";

/** Origin of a constant tensor: an initializer or a Constant node. */
export type ConstantOrigin = "initializer" | "constant-node";

/** A constant tensor of the graph with where it is defined. */
export interface GraphConstant {
  tensor: onnx.ITensorProto;
  origin: ConstantOrigin;
  /** The Constant node that defines it, when `origin` is `"constant-node"`. */
  node?: onnx.INodeProto;
}

/** Index of a graph's constants and consumers; rebuild it after changing the graph. */
export interface GraphIndex {
  constants: Map<string, GraphConstant>;
  /** Nodes that read each value name, in graph order. */
  consumers: Map<string, onnx.INodeProto[]>;
  /** Names of the graph outputs. */
  outputs: Set<string>;
}

/** Builds a {@link GraphIndex}. Constant nodes count only when their value is a dense tensor. */
export function indexGraph(graph: onnx.IGraphProto): GraphIndex {
  const constants = new Map<string, GraphConstant>();
  for (const tensor of graph.initializer ?? []) {
    constants.set(tensor.name ?? "", { tensor, origin: "initializer" });
  }
  for (const node of graph.node ?? []) {
    if (node.opType !== "Constant" || (node.domain ?? "") !== "") continue;
    const valueAttribute = (node.attribute ?? []).find((attribute) => attribute.name === "value");
    const output = node.output?.[0];
    if (valueAttribute?.t && output) {
      constants.set(output, { tensor: { ...valueAttribute.t, name: output }, origin: "constant-node", node });
    }
  }

  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const input of node.input ?? []) {
      if (!input) continue;
      const list = consumers.get(input) ?? [];
      if (!list.includes(node)) list.push(node);
      consumers.set(input, list);
    }
  }
  const outputs = new Set((graph.output ?? []).map((output) => output.name ?? ""));
  return { constants, consumers, outputs };
}

/** Returns a node's attribute by name, or undefined. */
export function findAttribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((attribute) => attribute.name === name);
}
