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
  /** Returns the weight as the operator sees it, `[N, K]` row-major float32. */
  dequantize(): Float32Array;
}
