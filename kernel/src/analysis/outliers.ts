/**
 * Activation outliers in LLM.int8()'s sense: input features of a linear layer whose magnitude
 * reaches a threshold (6.0 by default) on real sequences. LLM.int8() keeps such features in 16
 * bits; here the count shows where INT8 activations would clip or lose precision.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import * as ort from "onnxruntime-node";

import { decodeModel, encodeModel, findLinearWeights, hasExternalData, indexGraph, onnx, ONNX_DATA_TYPE } from "../onnx";
import { checkSequenceList } from "../model/dna";
import { DnaModel } from "../model/dna-model";
import { resolveModelFiles } from "../model/model-files";
import { externalDataSessionOptions } from "../model/session";
import { makeFeeds } from "../model/tasks/run-batches";
import { DnaTokenizer } from "../model/tokenizer";

/** bitsandbytes' default `llm_int8_threshold`. */
export const DEFAULT_INT8_THRESHOLD = 6.0;

/** Outlier counts of one linear layer's input. */
export interface LayerOutliers {
  /** Name of the MatMul or Gemm node. */
  name: string;
  /** Input features K. */
  inFeatures: number;
  /** Features whose magnitude reached the threshold on at least one token. */
  outlierFeatures: number;
  /** Indices of those features, ascending. */
  outlierFeatureIndices: number[];
  /** Tokens with at least one feature at or above the threshold. */
  tokensWithOutliers: number;
  /** Largest magnitude seen on this input. */
  maxAbsActivation: number;
}

/** Result of {@link analyzeActivationOutliers}. */
export interface OutlierReport {
  threshold: number;
  /** Real (unpadded) tokens seen per layer. */
  tokens: number;
  layers: LayerOutliers[];
}

/** Options of {@link analyzeActivationOutliers}. */
export interface OutlierOptions {
  /** Magnitude at which a feature counts as an outlier (default 6.0, LLM.int8()'s threshold). */
  int8Threshold?: number;
  /** Sequences per run (default 8). */
  batchSize?: number;
}

/**
 * Runs the float32 model on `sequences` and counts, for each linear layer, the input features
 * that reach `int8Threshold` in magnitude.
 * @param source a model directory or a loaded model (its float32 ONNX file is read again).
 */
export async function analyzeActivationOutliers(source: string | DnaModel, sequences: readonly string[], options: OutlierOptions = {}): Promise<OutlierReport> {
  const { int8Threshold = DEFAULT_INT8_THRESHOLD, batchSize = 8 } = options;
  if (typeof int8Threshold !== "number" || !(int8Threshold > 0)) throw new RangeError(`int8Threshold must be a positive number, got ${String(int8Threshold)}.`);
  const list = checkSequenceList(sequences);
  const { onnxPath, tokenizer } = resolveSource(source);

  // Expose the A input of every linear node as an extra graph output.
  const model = decodeModel(fs.readFileSync(onnxPath), onnxPath);
  const graph = model.graph!;
  const { weights } = findLinearWeights(graph, indexGraph(graph));
  const probes = weights.flatMap((weight) => weight.nodes.map((linear) => ({ name: linear.name, input: linear.node.input![0]!, inFeatures: weight.inFeatures })));
  const existingOutputs = new Set((graph.output ?? []).map((output) => output.name));
  for (const input of new Set(probes.map((probe) => probe.input))) {
    if (!existingOutputs.has(input)) graph.output!.push(onnx.ValueInfoProto.create({ name: input, type: { tensorType: { elemType: ONNX_DATA_TYPE.FLOAT } } }));
  }
  // Tensors in external data stay there: onnxruntime reads them from the model's folder.
  const externalData = hasExternalData(model) ? externalDataSessionOptions(path.dirname(path.resolve(onnxPath))) : {};
  const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ["cpu"], ...externalData });

  const state = probes.map((probe) => ({ ...probe, maxAbs: new Float32Array(probe.inFeatures), tokensWithOutliers: 0 }));
  let tokens = 0;
  try {
    for (let first = 0; first < list.length; first += batchSize) {
      const batch = tokenizer.encodeBatch(list.slice(first, first + batchSize), { firstIndex: first });
      const outputs = await session.run(makeFeeds(session, batch), [...new Set(probes.map((probe) => probe.input))]);
      tokens += batch.lengths.reduce((sum, length) => sum + length, 0);
      for (const entry of state) {
        // Activation layout: float32 [batch, sequence, K], or [batch * sequence, K] for a Gemm.
        const data = outputs[entry.input]!.data as Float32Array;
        const k = entry.inFeatures;
        for (let row = 0; row < batch.batchSize; row++) {
          for (let token = 0; token < batch.lengths[row]!; token++) {
            const offset = (row * batch.sequenceLength + token) * k;
            let outlier = false;
            for (let feature = 0; feature < k; feature++) {
              const magnitude = Math.abs(data[offset + feature]!);
              if (magnitude > entry.maxAbs[feature]!) entry.maxAbs[feature] = magnitude;
              if (magnitude >= int8Threshold) outlier = true;
            }
            if (outlier) entry.tokensWithOutliers++;
          }
        }
      }
    }
  } finally {
    await session.release();
  }

  const layers = state.map((entry) => {
    const indices: number[] = [];
    entry.maxAbs.forEach((value, feature) => {
      if (value >= int8Threshold) indices.push(feature);
    });
    return {
      name: entry.name,
      inFeatures: entry.inFeatures,
      outlierFeatures: indices.length,
      outlierFeatureIndices: indices,
      tokensWithOutliers: entry.tokensWithOutliers,
      maxAbsActivation: entry.maxAbs.reduce((max, value) => Math.max(max, value), 0),
    };
  });
  return { threshold: int8Threshold, tokens, layers };
}

function resolveSource(source: string | DnaModel): { onnxPath: string; tokenizer: DnaTokenizer } {
  if (source instanceof DnaModel) {
    if (!source.tokenizer) throw new Error(`${source.name} has no tokenizer; analyzeActivationOutliers runs DNA sequences through it.`);
    return { onnxPath: source.onnxPath, tokenizer: source.tokenizer };
  }
  if (typeof source !== "string") throw new TypeError("source must be a model directory or a loaded DnaModel.");
  const files = resolveModelFiles(source);
  return { onnxPath: files.onnxPath, tokenizer: DnaTokenizer.fromDirectory(path.resolve(files.directory)) };
}
