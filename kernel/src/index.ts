/**
 * dnaquant: load DNA language models with INT8 or 4-bit (NF4, FP4) weights, run them on the CPU
 * with onnxruntime-node, and inspect footprint, weights and quantization error in Jupyter.
 */
export * from "./quant";
export * from "./onnx";
export * from "./model";
export * from "./display";
export * from "./data";
export * from "./analysis";
export { closeSharedWorkerPools, SHARED_POOL_IDLE_MS } from "./workers/worker-pool";
export { MIME_BUNDLE_METHOD, type MimeBundle, type DisplayBundle } from "./jupyter/display-channel";
