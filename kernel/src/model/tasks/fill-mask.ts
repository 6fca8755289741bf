/** Masked-token prediction: top-k tokens with probabilities at each mask position. */

import { contentMargin, runInBatches, type BatchOptions, type TaskContext } from "./run-batches";
import { softmax } from "./softmax";

/** Name of the graph output with the MLM head's logits. */
export const LOGITS = "logits";

/** One predicted token. */
export interface TokenPrediction {
  token: string;
  tokenId: number;
  /** Softmax probability over the whole vocabulary. */
  probability: number;
}

/** Predictions for one mask token of a sequence. */
export interface MaskPrediction {
  /** Token index of the mask in the encoded sequence (0 is `[CLS]`). */
  tokenIndex: number;
  /** The `topK` most probable tokens, most probable first. */
  predictions: TokenPrediction[];
  /** The full softmax over the vocabulary, when `returnProbabilities` is set. */
  probabilities?: Float64Array;
}

/** Options of {@link fillMask}. */
export interface FillMaskOptions extends BatchOptions {
  /** Number of predictions per mask (default 5). */
  topK?: number;
  /** Also return the full probability vector of each mask (default false). */
  returnProbabilities?: boolean;
}

/**
 * Predicts the tokens at every mask token (`[MASK]`) of each sequence. In a sequence split into
 * windows, each mask is predicted by the window where it lies farthest from the window's edges.
 * @returns for each sequence, one {@link MaskPrediction} per mask in order of position.
 * @throws RangeError naming the sequence when it contains no mask token.
 */
export async function fillMask(context: TaskContext, sequences: unknown, options: FillMaskOptions = {}): Promise<MaskPrediction[][]> {
  const { topK = 5, returnProbabilities = false } = options;
  const { tokenizer } = context;
  const maskId = tokenizer.maskTokenId;
  if (maskId === undefined) throw new Error(`This tokenizer has no mask token ${tokenizer.maskToken}, so fill-mask cannot run.`);
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be a positive integer, got ${String(topK)}.`);

  // For each sequence: mask token index in the full encoding -> best prediction so far.
  const best: Map<number, { margin: number; prediction: MaskPrediction }>[] = [];
  const total = await runInBatches(context, sequences, LOGITS, options, ({ batch, windows, output }) => {
    // output: float32 [batchSize, sequenceLength, vocabSize], row-major.
    const logits = output.data as Float32Array;
    const vocabSize = Number(output.dims[2]);
    windows.forEach((window, row) => {
      const found = (best[window.sequenceIndex] ??= new Map());
      window.ids.forEach((id, tokenIndex) => {
        if (id !== maskId) return;
        const margin = contentMargin(window, tokenIndex);
        const fullIndex = window.prefixLength + window.contentStart + (tokenIndex - window.prefixLength);
        const previous = found.get(fullIndex);
        if (previous && previous.margin >= margin) return;
        const offset = (row * batch.sequenceLength + tokenIndex) * vocabSize;
        const probabilities = softmax(logits.subarray(offset, offset + vocabSize));
        const prediction: MaskPrediction = {
          tokenIndex: fullIndex,
          predictions: topPredictions(probabilities, topK, (tokenId) => tokenizer.idToToken(tokenId)),
          ...(returnProbabilities ? { probabilities } : {}),
        };
        found.set(fullIndex, { margin, prediction });
      });
    });
  });

  return Array.from({ length: total }, (_, index) => {
    const masks = [...(best[index]?.values() ?? [])].map((entry) => entry.prediction).sort((a, b) => a.tokenIndex - b.tokenIndex);
    if (masks.length === 0) {
      throw new RangeError(`Sequence ${index} has no ${tokenizer.maskToken} token; put ${tokenizer.maskToken} where a base should be predicted.`);
    }
    return masks;
  });
}

/** Returns the `topK` most probable entries of a probability vector, most probable first. */
export function topPredictions(probabilities: ArrayLike<number>, topK: number, tokenOf: (id: number) => string): TokenPrediction[] {
  return Array.from(probabilities, (probability, tokenId) => ({ tokenId, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, topK)
    .map(({ tokenId, probability }) => ({ token: tokenOf(tokenId), tokenId, probability }));
}
