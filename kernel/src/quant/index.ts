/** Quantization math: code tables, block layout, 4-bit and INT8 schemes, statistics. No Node APIs. */
export * from "./codes";
export * from "./layout";
export * from "./finite";
export * from "./fourbit";
export * from "./fourbit-transposed";
export * from "./int8";
export * from "./statistics";
export * from "./dynamic-map";
export * from "./int4";
