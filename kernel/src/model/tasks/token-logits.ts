/** Token-level logits of every position of each sequence. */

import { contentMargin, runInBatches, type BatchOptions, type TaskContext } from "./run-batches";
import { LOGITS } from "./fill-mask";

/** Logits of one sequence. */
export interface TokenLogits {
  /** Token ids of the full encoded sequence (special tokens included, no padding). */
  ids: number[];
  /** Tokens of `ids`. */
  tokens: string[];
  /** float32 `[ids.length, vocabSize]`, row-major. */
  logits: Float32Array;
  vocabSize: number;
}

/**
 * Returns the logits of every token of each sequence from a masked language model (output
 * `logits` of shape `[batch, tokens, vocab]`). In a sequence split into windows each content
 * token takes the logits of the window where it lies farthest from the window's edges.
 */
export async function tokenLogits(context: TaskContext, sequences: unknown, options: BatchOptions = {}): Promise<TokenLogits[]> {
  const results: { ids: number[]; logits: Float32Array; margins: Int32Array; vocabSize: number }[] = [];
  const total = await runInBatches(context, sequences, LOGITS, options, ({ batch, windows, output }) => {
    if (output.dims.length !== 3) {
      throw new Error(`tokenLogits needs logits [batch, tokens, vocab]; this model's logits have shape [${output.dims.join(", ")}]. Use classify instead.`);
    }
    // output: float32 [batchSize, sequenceLength, vocabSize], row-major.
    const data = output.data as Float32Array;
    const vocabSize = Number(output.dims[2]);
    windows.forEach((window, row) => {
      const fullLength = window.encodedLength;
      let entry = results[window.sequenceIndex];
      if (!entry) {
        entry = { ids: new Array<number>(fullLength).fill(-1), logits: new Float32Array(fullLength * vocabSize), margins: new Int32Array(fullLength).fill(-2), vocabSize };
        results[window.sequenceIndex] = entry;
      }
      const suffixLength = window.ids.length - window.prefixLength - window.contentLength;
      window.ids.forEach((id, tokenIndex) => {
        // Map the window position to the full sequence: prefix, content, then suffix tokens.
        const position = tokenIndex - window.prefixLength;
        let fullIndex: number;
        if (position < 0) fullIndex = tokenIndex;
        else if (position < window.contentLength) fullIndex = window.prefixLength + window.contentStart + position;
        else fullIndex = entry!.ids.length - suffixLength + (position - window.contentLength);
        const margin = contentMargin(window, tokenIndex);
        if (margin <= entry!.margins[fullIndex]!) return;
        entry!.margins[fullIndex] = margin;
        entry!.ids[fullIndex] = id;
        entry!.logits.set(data.subarray((row * batch.sequenceLength + tokenIndex) * vocabSize, (row * batch.sequenceLength + tokenIndex + 1) * vocabSize), fullIndex * vocabSize);
      });
    });
  });
  return Array.from({ length: total }, (_, index) => {
    const { ids, logits, vocabSize } = results[index]!;
    return { ids, tokens: ids.map((id) => context.tokenizer.idToToken(id)), logits, vocabSize };
  });
}
