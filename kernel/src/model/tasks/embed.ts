/** Sequence embeddings: the last hidden state mean-pooled over real tokens. */

import { runInBatches, type BatchOptions, type TaskContext } from "./run-batches";

/** Name of the graph output with the encoder's last hidden state. */
export const LAST_HIDDEN_STATE = "last_hidden_state";

/**
 * Embeds DNA sequences: mean of `last_hidden_state` over each sequence's tokens, special tokens
 * included and padding excluded. A sequence split into windows gets the mean over the tokens of
 * all its windows.
 * @returns one Float32Array of length hidden_size per sequence, in input order.
 */
export async function embedSequences(context: TaskContext, sequences: unknown, options: BatchOptions = {}): Promise<Float32Array[]> {
  const sums: Float64Array[] = [];
  const counts: number[] = [];
  const total = await runInBatches(context, sequences, LAST_HIDDEN_STATE, options, ({ batch, windows, output }) => {
    // output: float32 [batchSize, sequenceLength, hiddenSize], row-major.
    const hidden = output.data as Float32Array;
    const hiddenSize = Number(output.dims[2]);
    windows.forEach((window, row) => {
      const sum = (sums[window.sequenceIndex] ??= new Float64Array(hiddenSize));
      const length = batch.lengths[row]!;
      for (let token = 0; token < length; token++) {
        const offset = (row * batch.sequenceLength + token) * hiddenSize;
        for (let j = 0; j < hiddenSize; j++) sum[j] += hidden[offset + j]!;
      }
      counts[window.sequenceIndex] = (counts[window.sequenceIndex] ?? 0) + length;
    });
  });
  return Array.from({ length: total }, (_, index) => Float32Array.from(sums[index]!, (value) => value / counts[index]!));
}

/** Returns the cosine similarity of two vectors of equal length (0 when either is zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosineSimilarity: lengths differ, ${a.length} and ${b.length}.`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
