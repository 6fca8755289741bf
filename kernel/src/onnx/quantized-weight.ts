import type { onnx } from "./proto";
import type { QuantizedMatMul } from "./rewrite-linear";

/** A linear weight quantized for one operator, ready to be added to the graph. */
export interface QuantizedWeight {
  /** The operator that computes `A · dequantize(W)`. */
  op: QuantizedMatMul;
  /** The quantized weight codes. */
  weightTensor: onnx.TensorProto;
  /** Scales, absmax values or zero points. */
  metadataTensors: onnx.TensorProto[];
  /** Nodes that compute an operator input from the stored tensors, placed before the first user. */
  preludeNodes?: onnx.NodeProto[];
  /**
   * Stored tensors that are also declared as graph inputs, so that onnxruntime treats them as
   * overridable and does not fold the prelude into a float32 constant at session creation.
   */
  overridableInputs?: onnx.ValueInfoProto[];
  /** Returns the weight as the operator sees it, `[N, K]` row-major float32. */
  dequantize(): Float32Array;
}

/** Naming and sharing services of the graph being rewritten. */
export interface RewriteContext {
  /** Returns a name that no value, node or initializer of the graph uses yet. */
  uniqueName(base: string): string;
  /** Returns the name of a tensor shared by all layers, creating it on first use. */
  sharedTensor(key: string, create: (name: string) => onnx.TensorProto): string;
}
