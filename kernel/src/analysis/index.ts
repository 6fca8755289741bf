/** Quantization error analysis of linear weights, per layer and per scheme. */
export * from "./schemes";
export * from "./analyze-layer";
export * from "./analyze-model";
export * from "./outliers";
export * from "./agreement";
