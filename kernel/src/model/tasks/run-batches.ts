/**
 * Running a model over sequences in batches: tokenization, long sequences (truncated or split
 * into overlapping windows), onnxruntime feeds for the inputs the graph declares, and one
 * requested output per batch.
 */

import * as ort from "onnxruntime-node";

import { checkSequenceList } from "../dna";
import type { DnaTokenizer, EncodedBatch, TokenWindow } from "../tokenizer";

/** Session, tokenizer and warning callback of a loaded model, as the tasks use them. */
export interface TaskContext {
  session: ort.InferenceSession;
  tokenizer: DnaTokenizer;
  warn: (message: string) => void;
}

/** Treatment of a sequence longer than the model's maximum length. */
export type LongSequenceMode = "truncate" | "windows";

/** Options shared by the batched tasks. */
export interface BatchOptions {
  /** Windows per onnxruntime run (default 8). */
  batchSize?: number;
  /**
   * `"truncate"` (default) keeps the first tokens and warns; `"windows"` splits the sequence into
   * overlapping windows and combines their results.
   */
  longSequences?: LongSequenceMode;
  /** Content tokens shared by neighbouring windows (default a quarter of a window). */
  windowOverlap?: number;
}

/** One window with the index of the sequence it belongs to. */
export interface SequenceWindow extends TokenWindow {
  sequenceIndex: number;
  /** Number of windows of that sequence. */
  windowCount: number;
  /** Token count of the sequence's full encoding (all windows' content plus special tokens). */
  encodedLength: number;
}

/** One batch of windows, its encoded input and the requested output tensor. */
export interface WindowBatch {
  batch: EncodedBatch;
  windows: SequenceWindow[];
  output: ort.Tensor;
}

/**
 * Tokenizes `sequences`, splits or truncates long ones, runs the session over batches of
 * windows and passes each batch's `outputName` tensor to `consume`.
 * @returns the number of sequences.
 * @throws Error when the graph has no output of that name, naming the outputs it has.
 */
export async function runInBatches(
  context: TaskContext,
  sequences: unknown,
  outputName: string,
  options: BatchOptions,
  consume: (result: WindowBatch) => void,
): Promise<number> {
  const list = checkSequenceList(sequences);
  const { batchSize = 8, longSequences = "truncate", windowOverlap } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}.`);
  }
  if (longSequences !== "truncate" && longSequences !== "windows") {
    throw new RangeError(`longSequences must be "truncate" or "windows", got ${JSON.stringify(longSequences)}.`);
  }
  const { session, tokenizer, warn } = context;
  if (!session.outputNames.includes(outputName)) {
    throw new Error(`This model has no output "${outputName}" (it has ${session.outputNames.join(", ")}); export the model with that output to use this task.`);
  }

  // Encode every sequence before the first run, so that bad input fails fast.
  const windows = list.flatMap((sequence, sequenceIndex) => {
    const ids = tokenizer.encode(sequence, sequenceIndex);
    if (ids.length > tokenizer.modelMaxLength && longSequences === "truncate") {
      warn(
        `Sequence ${sequenceIndex} has ${ids.length} tokens, more than the model maximum ${tokenizer.modelMaxLength}; it was truncated to the first ${tokenizer.modelMaxLength}. Pass longSequences: "windows" to use all of it.`,
      );
      const [window] = tokenizer.splitIntoWindows(ids, 0);
      return [{ ...window!, sequenceIndex, windowCount: 1, encodedLength: window!.ids.length }];
    }
    const parts = tokenizer.splitIntoWindows(ids, windowOverlap);
    return parts.map((part) => ({ ...part, sequenceIndex, windowCount: parts.length, encodedLength: ids.length }));
  });

  for (let first = 0; first < windows.length; first += batchSize) {
    const slice = windows.slice(first, first + batchSize);
    const batch = tokenizer.padBatch(slice.map((window) => window.ids));
    const results = await session.run(makeFeeds(session, batch), [outputName]);
    consume({ batch, windows: slice, output: results[outputName]! });
  }
  return list.length;
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

/**
 * Returns how far a window token is from the nearer edge of the window's content, or -1 for a
 * special token. Tasks keep, for each content token, the window where it is farthest from an edge.
 */
export function contentMargin(window: TokenWindow, tokenIndex: number): number {
  const position = tokenIndex - window.prefixLength;
  if (position < 0 || position >= window.contentLength) return -1;
  return Math.min(position, window.contentLength - 1 - position);
}
