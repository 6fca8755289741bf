import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { cosineSimilarity, loadModelAndTokenizer, type ModelAndTokenizer } from "../../../kernel/src";
import { promoterSequences } from "../../helpers/dna-data";
import { BUNDLED_MODEL } from "../../helpers/paths";

/** Agreement of onnxruntime fp32 with the PyTorch reference outputs shipped with the model. */
const REFERENCE_TOLERANCE = 1e-4;
/** Minimum mean cosine of 8-bit embeddings to fp32 embeddings. */
const INT8_MIN_MEAN_COSINE = 0.99;
/** Maximum stored size of the linear weights relative to fp32. */
const MAX_LINEAR_RATIO = { int8: 0.3, fourBit: 0.2 };

interface ReferenceRecord {
  sequence: string;
  input_ids: number[];
  masked_position: number;
  top3_tokens: string[];
  top3_probabilities: number[];
  mean_pooled_last_hidden_state_first8: number[];
  mean_pooled_last_hidden_state_norm: number;
}

const reference = JSON.parse(fs.readFileSync(path.join(BUNDLED_MODEL, "reference_outputs.json"), "utf8")) as { records: ReferenceRecord[] };

describe("loadModelAndTokenizer on the bundled model", () => {
  let fp32: ModelAndTokenizer;
  before(async () => {
    fp32 = await loadModelAndTokenizer();
  });
  after(async () => {
    await fp32.model.dispose();
  });

  it("tokenizes like the reference", () => {
    for (const record of reference.records) assert.deepEqual(fp32.tokenizer.encode(record.sequence), record.input_ids);
  });

  it("embeds like the PyTorch reference", async () => {
    const embeddings = await fp32.model.embed(reference.records.map((record) => record.sequence));
    reference.records.forEach((record, i) => {
      const embedding = embeddings[i]!;
      record.mean_pooled_last_hidden_state_first8.forEach((expected, j) => {
        assert.ok(Math.abs(embedding[j]! - expected) < REFERENCE_TOLERANCE, `record ${i} dim ${j}: ${embedding[j]} vs ${expected}`);
      });
      const norm = Math.hypot(...embedding);
      assert.ok(Math.abs(norm - record.mean_pooled_last_hidden_state_norm) < REFERENCE_TOLERANCE * 10, `record ${i} norm ${norm}`);
    });
  });

  it("fills masks like the PyTorch reference", async () => {
    for (const record of reference.records) {
      // masked_position counts tokens, and token 0 is [CLS], so the base index is one less.
      const base = record.masked_position - 1;
      const masked = `${record.sequence.slice(0, base)}[MASK]${record.sequence.slice(base + 1)}`;
      const [masks] = await fp32.model.fillMask([masked], { topK: 3 });
      assert.equal(masks!.length, 1);
      assert.equal(masks![0]!.tokenIndex, record.masked_position);
      assert.deepEqual(masks![0]!.predictions.map((prediction) => prediction.token), record.top3_tokens);
      masks![0]!.predictions.forEach((prediction, k) => {
        assert.ok(Math.abs(prediction.probability - record.top3_probabilities[k]!) < REFERENCE_TOLERANCE, `probability ${k}`);
      });
    }
  });

  it("excludes padding from the mean", async () => {
    const [short] = promoterSequences(1).map((sequence) => sequence.slice(0, 40));
    const [alone] = await fp32.model.embed([short!]);
    const [padded] = await fp32.model.embed([short!, "ACGT".repeat(50)], { batchSize: 2 });
    assert.ok(cosineSimilarity(alone!, padded!) > 0.999999, "padding changes the embedding");
  });

  it("keeps quantized footprints and embeddings within bounds", async () => {
    const sequences = promoterSequences(10);
    const fp32Embeddings = await fp32.model.embed(sequences);
    const fp32Linear = fp32.model.getMemoryFootprint().linearWeights.fp32Bytes;

    for (const [label, options, maxRatio] of [
      ["int8", { loadIn8bit: true }, MAX_LINEAR_RATIO.int8],
      ["nf4", { loadIn4bit: true }, MAX_LINEAR_RATIO.fourBit],
      ["fp4", { loadIn4bit: true, quantType: "fp4" as const }, MAX_LINEAR_RATIO.fourBit],
    ] as const) {
      const { model } = await loadModelAndTokenizer(undefined, options);
      const footprint = model.getMemoryFootprint();
      assert.equal(model.scheme, label);
      assert.equal(footprint.linearWeights.quantizedCount, footprint.linearWeights.count);
      const ratio = footprint.linearWeights.storedBytes / fp32Linear;
      assert.ok(ratio < maxRatio, `${label} linear weights ${ratio.toFixed(3)}x of fp32, bound ${maxRatio}`);
      assert.equal(footprint.totalBytes, footprint.quantizedWeightBytes + footprint.quantizationMetadataBytes + footprint.unquantizedBytes);

      const embeddings = await model.embed(sequences);
      const cosines = embeddings.map((embedding, i) => cosineSimilarity(embedding, fp32Embeddings[i]!));
      const mean = cosines.reduce((sum, value) => sum + value, 0) / cosines.length;
      if (label === "int8") assert.ok(mean > INT8_MIN_MEAN_COSINE, `int8 mean cosine ${mean}`);
      assert.ok(mean > 0.95, `${label} mean cosine ${mean}`);
      await model.dispose();
    }
  });

  it("computes weight histograms of every linear layer", () => {
    assert.equal(fp32.model.layers.length, 18);
    for (const layer of fp32.model.layers) {
      const total = layer.histogram.counts.reduce((sum, count) => sum + count, 0);
      assert.equal(total, layer.inFeatures * layer.outFeatures, layer.name);
    }
  });
});

describe("loadModelAndTokenizer bad input", () => {
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-bad-input-"));
  });
  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Copies the bundled model into the scratch folder, returning the new directory. */
  function copyModel(name: string): string {
    const directory = path.join(scratch, name);
    fs.cpSync(BUNDLED_MODEL, directory, { recursive: true });
    return directory;
  }

  it("names a missing model directory", async () => {
    const missing = path.join(scratch, "no-such-model");
    await assert.rejects(loadModelAndTokenizer(missing), (error: Error) => {
      assert.ok(error.message.includes(`Model directory not found: ${missing}`), error.message);
      assert.match(error.message, /Pass a directory in the Hugging Face layout/);
      return true;
    });
  });

  it("names a directory without a tokenizer", async () => {
    const directory = copyModel("no-tokenizer");
    fs.rmSync(path.join(directory, "tokenizer.json"));
    await assert.rejects(loadModelAndTokenizer(directory), (error: Error) => {
      assert.ok(error.message.includes(`No tokenizer.json in ${directory}`), error.message);
      assert.match(error.message, /Copy the model's tokenizer files there/);
      return true;
    });
  });

  for (const fraction of [0.5, 0.0001]) {
    it(`names a model.onnx truncated to ${fraction * 100}%`, async () => {
      const directory = copyModel(`truncated-${fraction}`);
      const file = path.join(directory, "model.onnx");
      const bytes = fs.readFileSync(file);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      await assert.rejects(loadModelAndTokenizer(directory, { loadIn4bit: true }), (error: Error) => {
        assert.ok(error.message.includes(file), error.message);
        assert.match(error.message, /truncated/);
        assert.match(error.message, /export (or download )?it again/);
        return true;
      });
    });
  }

  it("names an invalid nucleotide", async () => {
    const { model } = await loadModelAndTokenizer();
    await assert.rejects(model.embed(["ACGT", "ACGTTGCAZ"]), /Sequence 1 has invalid character "Z" at position 8/);
    await assert.rejects(model.fillMask(["ACGT"]), /Sequence 0 has no \[MASK\] token/);
    await model.dispose();
  });
});
