/** Sequence classification with the labels of `id2label` in config.json. */

import { runInBatches, type BatchOptions, type TaskContext } from "./run-batches";
import { softmax } from "./softmax";
import { LOGITS } from "./fill-mask";

/** Predicted class of one sequence. */
export interface Classification {
  /** Most probable label, from `id2label` (or `LABEL_<id>` when config.json has none). */
  label: string;
  labelId: number;
  /** Probability of that label. */
  score: number;
  /** Probability of every label, by label. */
  probabilities: Record<string, number>;
  /** The raw logits (averaged over windows for a sequence split into windows). */
  logits: number[];
}

/** Returns the label names of a config's `id2label`, in id order. */
export function labelNames(config: Readonly<Record<string, unknown>>, count: number): string[] {
  const id2label = (config.id2label ?? {}) as Record<string, unknown>;
  return Array.from({ length: count }, (_, id) => (typeof id2label[String(id)] === "string" ? (id2label[String(id)] as string) : `LABEL_${id}`));
}

/**
 * Classifies DNA sequences with a sequence-classification model (output `logits` of shape
 * `[batch, labels]`). A sequence split into windows gets the mean of its windows' logits.
 */
export async function classifySequences(
  context: TaskContext,
  config: Readonly<Record<string, unknown>>,
  sequences: unknown,
  options: BatchOptions = {},
): Promise<Classification[]> {
  const sums: Float64Array[] = [];
  const counts: number[] = [];
  let labelCount = 0;
  const total = await runInBatches(context, sequences, LOGITS, options, ({ windows, output }) => {
    if (output.dims.length !== 2) {
      throw new Error(`classify needs a sequence-classification model with logits [batch, labels]; this model's logits have shape [${output.dims.join(", ")}]. Use fillMask or tokenLogits instead.`);
    }
    // output: float32 [batchSize, labels], row-major.
    labelCount = Number(output.dims[1]);
    const data = output.data as Float32Array;
    windows.forEach((window, row) => {
      const sum = (sums[window.sequenceIndex] ??= new Float64Array(labelCount));
      for (let j = 0; j < labelCount; j++) sum[j] += data[row * labelCount + j]!;
      counts[window.sequenceIndex] = (counts[window.sequenceIndex] ?? 0) + 1;
    });
  });

  const names = labelNames(config, labelCount);
  return Array.from({ length: total }, (_, index) => {
    const logits = Array.from(sums[index]!, (value) => value / counts[index]!);
    const probabilities = softmax(logits);
    let labelId = 0;
    probabilities.forEach((probability, id) => {
      if (probability > probabilities[labelId]!) labelId = id;
    });
    return {
      label: names[labelId]!,
      labelId,
      score: probabilities[labelId]!,
      probabilities: Object.fromEntries(names.map((name, id) => [name, probabilities[id]!])),
      logits,
    };
  });
}
