/** ONNX graph reading, linear-weight discovery and rewriting to quantized operators. */
export * from "./proto";
export * from "./tensor";
export * from "./float-data";
export * from "./graph-index";
export * from "./linear-weights";
export * from "./rewrite-linear";
export * from "./quantized-weight";
export * from "./transpose";
export * from "./layer-quantization";
export * from "./matmul-int8";
export * from "./matmul-bnb4";
export * from "./matmul-nbits";
export * from "./quantize-graph";
export * from "./quantized-graph-reader";
export * from "./operator-domains";
