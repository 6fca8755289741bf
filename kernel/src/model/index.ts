/** Model loading, tokenization and inference tasks. */
export * from "./dna";
export * from "./tokenizer";
export * from "./model-files";
export * from "./load-options";
export * from "./footprint";
export * from "./dna-model";
export * from "./load";
export { cosineSimilarity, embedSequences, LAST_HIDDEN_STATE } from "./tasks/embed";
export { fillMask, topPredictions, LOGITS, type FillMaskOptions, type MaskPrediction, type TokenPrediction } from "./tasks/fill-mask";
export type { BatchOptions } from "./tasks/run-batches";
