/** Masked-token prediction: top-k tokens with probabilities at each mask position. */

import { runInBatches, type BatchOptions, type TaskContext } from "./run-batches";

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
}

/** Options of {@link fillMask}. */
export interface FillMaskOptions extends BatchOptions {
  /** Number of predictions per mask (default 5). */
  topK?: number;
}

/**
 * Predicts the tokens at every mask token (`[MASK]`) of each sequence.
 * @returns for each sequence, one {@link MaskPrediction} per mask in order of position.
 * @throws RangeError naming the sequence when it contains no mask token.
 */
export async function fillMask(context: TaskContext, sequences: unknown, options: FillMaskOptions = {}): Promise<MaskPrediction[][]> {
  const { topK = 5 } = options;
  const { tokenizer } = context;
  const maskId = tokenizer.maskTokenId;
  if (maskId === undefined) throw new Error(`This tokenizer has no mask token ${tokenizer.maskToken}, so fill-mask cannot run.`);
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be a positive integer, got ${String(topK)}.`);

  const results: MaskPrediction[][] = [];
  await runInBatches(context, sequences, LOGITS, options, ({ batch, firstIndex, output }) => {
    // output: float32 [batchSize, sequenceLength, vocabSize], row-major.
    const logits = output.data as Float32Array;
    const vocabSize = Number(output.dims[2]);
    batch.ids.forEach((ids, row) => {
      const masks: MaskPrediction[] = [];
      ids.forEach((id, tokenIndex) => {
        if (id !== maskId) return;
        const offset = (row * batch.sequenceLength + tokenIndex) * vocabSize;
        masks.push({ tokenIndex, predictions: topPredictions(logits.subarray(offset, offset + vocabSize), topK, (tokenId) => tokenizer.idToToken(tokenId)) });
      });
      if (masks.length === 0) {
        throw new RangeError(`Sequence ${firstIndex + row} has no ${tokenizer.maskToken} token; put ${tokenizer.maskToken} where a base should be predicted.`);
      }
      results.push(masks);
    });
  });
  return results;
}

/** Returns the `topK` entries of the softmax of `logits`, most probable first. */
export function topPredictions(logits: Float32Array, topK: number, tokenOf: (id: number) => string): TokenPrediction[] {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  const probabilities = Array.from(logits, (value) => {
    const exp = Math.exp(value - max);
    sum += exp;
    return exp;
  });
  return probabilities
    .map((probability, tokenId) => ({ tokenId, probability: probability / sum }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, topK)
    .map(({ tokenId, probability }) => ({ token: tokenOf(tokenId), tokenId, probability }));
}
