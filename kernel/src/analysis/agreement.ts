/**
 * Agreement of a quantized model with its float32 reference on real sequences: embedding
 * cosine, top-1 agreement of masked-token predictions, KL divergence of the output
 * distributions, and label agreement for classifiers. Results below the thresholds produce
 * warnings through the model's warn callback, so they are visible, not silent.
 */

import * as ort from "onnxruntime-node";

import { checkSequenceList } from "../model/dna";
import type { DnaModel } from "../model/dna-model";
import { cosineSimilarity } from "../model/tasks/embed";
import { makeFeeds } from "../model/tasks/run-batches";
import { softmax } from "../model/tasks/softmax";

/** Thresholds below (or, for KL, above) which a comparison warns. */
export interface AgreementThresholds {
  /** Minimum mean embedding cosine (default 0.98). */
  minMeanCosine: number;
  /** Minimum top-1 agreement of masked predictions or labels (default 0.9). */
  minTop1Agreement: number;
  /** Maximum mean KL divergence in nats (default 0.05). */
  maxMeanKl: number;
}

/** Default {@link AgreementThresholds}. */
export const DEFAULT_AGREEMENT_THRESHOLDS: Readonly<AgreementThresholds> = Object.freeze({ minMeanCosine: 0.98, minTop1Agreement: 0.9, maxMeanKl: 0.05 });

/** Options of {@link compareWithReference}. */
export interface AgreementOptions {
  /** Fraction of each sequence's content tokens masked at once (default 0.15, as in MLM training). */
  maskFraction?: number;
  /** Seed of the mask positions, so that runs are repeatable (default 1). */
  seed?: number;
  /** Windows per run (default 8). */
  batchSize?: number;
  thresholds?: Partial<AgreementThresholds>;
}

/** Result of comparing one quantized model with its reference. */
export interface AgreementResult {
  /** Model label and scheme label ({@link DnaModel.schemeLabel}), such as `tiny-dnabert2` and `nf4, double quant`. */
  model: string;
  scheme: string;
  sequences: number;
  /** Embedding cosine to the reference, when the model has `last_hidden_state`. */
  embedding?: { meanCosine: number; minCosine: number };
  /** Masked language models: agreement of the top-1 token at masked positions. */
  masked?: { positions: number; top1Agreement: number; meanKl: number };
  /** Classifiers: agreement of predicted labels and KL of the label distributions. */
  labels?: { top1Agreement: number; meanKl: number };
  thresholds: AgreementThresholds;
  /** One message per threshold that was crossed; empty when the model agrees. */
  warnings: string[];
}

/**
 * Compares `quantized` with `reference` (the same model in float32) on `sequences`.
 * Sequences longer than the model maximum are truncated.
 */
export async function compareWithReference(quantized: DnaModel, reference: DnaModel, sequences: readonly string[], options: AgreementOptions = {}): Promise<AgreementResult> {
  const list = checkSequenceList(sequences) as string[];
  const tokenizer = reference.tokenizer;
  if (!tokenizer || !quantized.tokenizer) throw new Error("compareWithReference needs models loaded with a tokenizer (loadModelAndTokenizer).");
  const { maskFraction = 0.15, seed = 1, batchSize = 8 } = options;
  if (!(maskFraction > 0 && maskFraction <= 1)) throw new RangeError(`maskFraction must be in (0, 1], got ${String(maskFraction)}.`);
  const thresholds = { ...DEFAULT_AGREEMENT_THRESHOLDS, ...options.thresholds };
  const result: AgreementResult = { model: quantized.name, scheme: quantized.schemeLabel, sequences: list.length, thresholds, warnings: [] };

  // Embeddings, when both graphs expose the last hidden state.
  if (quantized.session.outputNames.includes("last_hidden_state") && reference.session.outputNames.includes("last_hidden_state")) {
    const [mine, theirs] = await Promise.all([quantized.embed(list, { batchSize }), reference.embed(list, { batchSize })]);
    const cosines = mine.map((embedding, i) => cosineSimilarity(embedding, theirs[i]!));
    result.embedding = { meanCosine: mean(cosines), minCosine: Math.min(...cosines) };
  }

  // Output distributions: masked positions of an MLM, or the labels of a classifier.
  const ids = list.map((sequence, index) => truncate(tokenizer.encode(sequence, index), tokenizer.modelMaxLength));
  const maskId = tokenizer.maskTokenId;
  const probe = await runLogits(reference.session, reference, [ids[0]!]);
  if (probe.dims.length === 3 && maskId !== undefined) {
    const masked = ids.map((tokens, index) => maskTokens(tokens, maskFraction, seed + index, maskId));
    const [mine, theirs] = await Promise.all([collectLogits(quantized, masked.map((entry) => entry.ids), batchSize), collectLogits(reference, masked.map((entry) => entry.ids), batchSize)]);
    let agree = 0;
    let positions = 0;
    let kl = 0;
    masked.forEach((entry, index) => {
      for (const position of entry.positions) {
        const p = softmax(theirs[index]!.row(position));
        const q = softmax(mine[index]!.row(position));
        if (argmax(p) === argmax(q)) agree++;
        kl += klDivergence(p, q);
        positions++;
      }
    });
    result.masked = { positions, top1Agreement: agree / positions, meanKl: kl / positions };
  } else if (probe.dims.length === 2) {
    const [mine, theirs] = await Promise.all([quantized.classify(list, { batchSize }), reference.classify(list, { batchSize })]);
    const agree = mine.filter((entry, index) => entry.labelId === theirs[index]!.labelId).length;
    const kl = mean(mine.map((entry, index) => klDivergence(softmax(theirs[index]!.logits), softmax(entry.logits))));
    result.labels = { top1Agreement: agree / list.length, meanKl: kl };
  }

  result.warnings = agreementWarnings(result);
  for (const message of result.warnings) quantized.warnCallback(message);
  return result;
}

/** Returns one warning per crossed threshold. */
export function agreementWarnings(result: AgreementResult): string[] {
  const { thresholds } = result;
  const label = `${result.model} (${result.scheme})`;
  const warnings: string[] = [];
  if (result.embedding && result.embedding.meanCosine < thresholds.minMeanCosine) {
    warnings.push(`${label}: mean embedding cosine to fp32 is ${result.embedding.meanCosine.toFixed(4)}, below ${thresholds.minMeanCosine}; consider INT8 or a smaller 4-bit block size.`);
  }
  const top1 = result.masked?.top1Agreement ?? result.labels?.top1Agreement;
  if (top1 !== undefined && top1 < thresholds.minTop1Agreement) {
    warnings.push(`${label}: top-1 agreement with fp32 is ${(top1 * 100).toFixed(1)}%, below ${(thresholds.minTop1Agreement * 100).toFixed(0)}%; predictions change under this quantization.`);
  }
  const kl = result.masked?.meanKl ?? result.labels?.meanKl;
  if (kl !== undefined && kl > thresholds.maxMeanKl) {
    warnings.push(`${label}: mean KL divergence from fp32 is ${kl.toFixed(4)} nats, above ${thresholds.maxMeanKl}.`);
  }
  return warnings;
}

/** Logits of one sequence, row by token. */
interface SequenceLogits {
  row(position: number): Float32Array;
}

async function collectLogits(model: DnaModel, idLists: number[][], batchSize: number): Promise<SequenceLogits[]> {
  const out: SequenceLogits[] = [];
  for (let first = 0; first < idLists.length; first += batchSize) {
    const slice = idLists.slice(first, first + batchSize);
    const logits = await runLogits(model.session, model, slice);
    // logits: float32 [batch, sequenceLength, vocab], row-major.
    const [, sequenceLength, vocab] = logits.dims.map(Number) as [number, number, number];
    const data = logits.data as Float32Array;
    slice.forEach((_, row) => out.push({ row: (position) => data.subarray((row * sequenceLength + position) * vocab, (row * sequenceLength + position + 1) * vocab) }));
  }
  return out;
}

async function runLogits(session: ort.InferenceSession, model: DnaModel, idLists: number[][]): Promise<ort.Tensor> {
  const batch = model.tokenizer!.padBatch(idLists);
  const results = await session.run(makeFeeds(session, batch), ["logits"]);
  return results.logits!;
}

/** Replaces a seeded random `fraction` of the content tokens (not the first and last) by the mask id. */
function maskTokens(ids: number[], fraction: number, seed: number, maskId: number): { ids: number[]; positions: number[] } {
  const content = ids.length - 2;
  const count = Math.max(1, Math.round(content * fraction));
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: repeatable positions without a dependency.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, content)) chosen.add(1 + Math.floor(random() * content));
  const masked = [...ids];
  const positions = [...chosen].sort((a, b) => a - b);
  for (const position of positions) masked[position] = maskId;
  return { ids: masked, positions };
}

function truncate(ids: number[], maxLength: number): number[] {
  return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), ids[ids.length - 1]!];
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** KL(p || q) in nats; terms with p = 0 contribute 0. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) sum += p[i]! * Math.log(p[i]! / Math.max(q[i]!, 1e-300));
  return sum;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
