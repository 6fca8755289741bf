/** Model loading, tokenization and inference tasks. */
export * from "./dna";
export * from "./tokenizer";
export * from "./model-files";
export * from "./load-options";
export * from "./footprint";
export * from "./dna-model";
export * from "./load";
export * from "./model-source";
export { cosineSimilarity, embedSequences, LAST_HIDDEN_STATE } from "./tasks/embed";
export { fillMask, topPredictions, LOGITS, type FillMaskOptions, type MaskPrediction, type TokenPrediction } from "./tasks/fill-mask";
export { classifySequences, labelNames, type Classification } from "./tasks/classify";
export { tokenLogits, type TokenLogits } from "./tasks/token-logits";
export { softmax } from "./tasks/softmax";
export type { BatchOptions, LongSequenceMode } from "./tasks/run-batches";
export * from "./quantization-config";
export * from "./sources";
export * from "./save";
export { chooseSessionSource, externalDataSessionOptions, type SessionSource } from "./session";
