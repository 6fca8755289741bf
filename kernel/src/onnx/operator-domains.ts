/** Checking that a graph uses only operator domains that onnxruntime-node's CPU build runs. */

import type { onnx } from "./proto";
import { subgraphsOf } from "./linear-weights";

/** Operator domains onnxruntime runs on the CPU: ONNX (`""` and `ai.onnx`), ONNX-ML and onnxruntime's contrib operators. */
export const SUPPORTED_OPERATOR_DOMAINS: readonly string[] = Object.freeze(["", "ai.onnx", "ai.onnx.ml", "com.microsoft"]);

/**
 * Checks every node's domain, subgraphs included.
 * @throws Error naming the file, the domain and the first node that uses it.
 */
export function checkOperatorDomains(model: onnx.IModelProto, source: string): void {
  const graph = model.graph ?? {};
  const graphs = [graph, ...subgraphsOf(graph).map((entry) => entry.subgraph)];
  for (const current of graphs) {
    for (const node of current.node ?? []) {
      const domain = node.domain ?? "";
      if (SUPPORTED_OPERATOR_DOMAINS.includes(domain)) continue;
      const count = graphs.flatMap((candidate) => candidate.node ?? []).filter((candidate) => (candidate.domain ?? "") === domain).length;
      throw new Error(
        `${source} uses the operator domain "${domain}" (${count} node${count === 1 ? "" : "s"}, first ${node.opType} "${node.name || "(unnamed)"}"), which onnxruntime-node cannot run. ` +
          `Export the model with standard ONNX operators, or register that domain's custom-op library with onnxruntime first.`,
      );
    }
  }
}
