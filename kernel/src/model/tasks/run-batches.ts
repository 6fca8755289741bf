/**
 * Running a model over sequences in batches: tokenization, onnxruntime feeds for the inputs the
 * graph declares, and one requested output per batch.
 */

import * as ort from "onnxruntime-node";

import { checkSequenceList } from "../dna";
import type { DnaTokenizer, EncodedBatch } from "../tokenizer";

/** Session, tokenizer and warning callback of a loaded model, as the tasks use them. */
export interface TaskContext {
  session: ort.InferenceSession;
  tokenizer: DnaTokenizer;
  warn: (message: string) => void;
}

/** Options shared by the batched tasks. */
export interface BatchOptions {
  /** Sequences per onnxruntime run (default 8). */
  batchSize?: number;
}

/** One batch's encoded input and the requested output tensor. */
export interface BatchResult {
  batch: EncodedBatch;
  /** Index of the batch's first sequence in the caller's list. */
  firstIndex: number;
  output: ort.Tensor;
}

/**
 * Tokenizes `sequences` in batches of `batchSize`, runs the session and passes each batch's
 * `outputName` tensor to `consume`.
 * @throws Error when the graph has no output of that name, naming the outputs it has.
 */
export async function runInBatches(context: TaskContext, sequences: unknown, outputName: string, options: BatchOptions, consume: (result: BatchResult) => void): Promise<void> {
  const list = checkSequenceList(sequences);
  const { batchSize = 8 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}.`);
  }
  const { session, tokenizer, warn } = context;
  if (!session.outputNames.includes(outputName)) {
    throw new Error(`This model has no output "${outputName}" (it has ${session.outputNames.join(", ")}); export the model with that output to use this task.`);
  }

  // Validate every sequence before the first run, so that bad input fails fast.
  list.forEach((sequence, index) => tokenizer.normalize(sequence, index));

  for (let firstIndex = 0; firstIndex < list.length; firstIndex += batchSize) {
    const batch = tokenizer.encodeBatch(list.slice(firstIndex, firstIndex + batchSize), { firstIndex, warn });
    const feeds = makeFeeds(session, batch);
    const results = await session.run(feeds, [outputName]);
    consume({ batch, firstIndex, output: results[outputName]! });
  }
}

/** Builds onnxruntime feeds for the token inputs that the session declares. */
export function makeFeeds(session: ort.InferenceSession, batch: EncodedBatch): Record<string, ort.Tensor> {
  const dims = [batch.batchSize, batch.sequenceLength];
  const available: Record<string, BigInt64Array> = {
    input_ids: batch.inputIds,
    attention_mask: batch.attentionMask,
    token_type_ids: batch.tokenTypeIds,
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const data = available[name];
    if (!data) {
      throw new Error(`This model expects an input "${name}" that DNA tasks do not provide (they provide input_ids, attention_mask, token_type_ids).`);
    }
    feeds[name] = new ort.Tensor("int64", data, dims);
  }
  return feeds;
}
