import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { BUNDLED_DATA, cosineSimilarity, loadModelAndTokenizer, readFasta, type ModelAndTokenizer } from "../../../kernel/src";
import { BUNDLED_MODEL, TAXONOMY_MODEL } from "../../helpers/paths";

/** Agreement of onnxruntime fp32 with the PyTorch reference logits shipped with the model. */
const REFERENCE_TOLERANCE = 1e-4;

describe("classify", () => {
  let taxonomy: ModelAndTokenizer;
  before(async () => {
    taxonomy = await loadModelAndTokenizer(TAXONOMY_MODEL);
  });
  after(() => taxonomy.model.dispose());

  it("matches the reference logits with id2label names", async () => {
    const reference = JSON.parse(fs.readFileSync(path.join(TAXONOMY_MODEL, "reference_outputs.json"), "utf8")) as { records: { sequence: string; logits: number[] }[] };
    const results = await taxonomy.model.classify(reference.records.map((record) => record.sequence));
    reference.records.forEach((record, i) => {
      record.logits.forEach((expected, j) => assert.ok(Math.abs(results[i]!.logits[j]! - expected) < REFERENCE_TOLERANCE, `record ${i} logit ${j}`));
      assert.deepEqual(Object.keys(results[i]!.probabilities), ["Archaea", "Bacteria", "Eukaryota", "Viruses"]);
      const best = record.logits.indexOf(Math.max(...record.logits));
      assert.equal(results[i]!.labelId, best);
      assert.equal(results[i]!.label, ["Archaea", "Bacteria", "Eukaryota", "Viruses"][best]);
      const total = Object.values(results[i]!.probabilities).reduce((sum, value) => sum + value, 0);
      assert.ok(Math.abs(total - 1) < 1e-9);
    });
  });

  it("averages windows of a long sequence", async () => {
    const [lambda] = readFasta(BUNDLED_DATA.lambdaPhage);
    const long = lambda!.sequence.slice(0, 1500);
    const warnings: string[] = [];
    const { model } = await loadModelAndTokenizer(TAXONOMY_MODEL, { warn: (message) => warnings.push(message) });
    const [truncated] = await model.classify([long]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Sequence 0 has 1502 tokens, more than the model maximum 512; it was truncated.*longSequences: "windows"/);
    const [windowed] = await model.classify([long], { longSequences: "windows" });
    assert.equal(warnings.length, 1, "windows do not warn");
    assert.notDeepEqual(windowed!.logits, truncated!.logits);
    await model.dispose();
  });

  it("rejects a masked language model", async () => {
    const { model } = await loadModelAndTokenizer(BUNDLED_MODEL);
    await assert.rejects(model.classify(["ACGT"]), /classify needs a sequence-classification model with logits \[batch, labels\]/);
    await model.dispose();
  });
});

describe("windows and token logits", () => {
  let mlm: ModelAndTokenizer;
  before(async () => {
    mlm = await loadModelAndTokenizer(BUNDLED_MODEL);
  });
  after(() => mlm.model.dispose());

  it("returns logits for every token", async () => {
    const [result] = await mlm.model.tokenLogits(["ACGTN"]);
    assert.deepEqual(result!.tokens, ["[CLS]", "A", "C", "G", "T", "N", "[SEP]"]);
    assert.equal(result!.logits.length, 7 * result!.vocabSize);
  });

  it("stitches windows to the unwindowed logits", async () => {
    const [lambda] = readFasta(BUNDLED_DATA.lambdaPhage);
    const sequence = lambda!.sequence.slice(1000, 1000 + 1200);
    const [stitched] = await mlm.model.tokenLogits([sequence], { longSequences: "windows", windowOverlap: 200 });
    assert.equal(stitched!.ids.length, 1202);
    assert.equal(stitched!.tokens[0], "[CLS]");
    assert.equal(stitched!.tokens[1201], "[SEP]");
    assert.ok(stitched!.ids.every((id) => id >= 0), "every position filled");
    // The middle of the first window sees the same context with and without windows only if the
    // attention span covers it; ALiBi makes far tokens matter little, so the logits agree closely.
    const [short] = await mlm.model.tokenLogits([sequence.slice(0, 400)]);
    const position = 150;
    const a = stitched!.logits.subarray(position * stitched!.vocabSize, (position + 1) * stitched!.vocabSize);
    const b = short!.logits.subarray(position * short!.vocabSize, (position + 1) * short!.vocabSize);
    assert.ok(cosineSimilarity(a, b) > 0.99, `cosine ${cosineSimilarity(a, b)}`);
  });

  it("predicts a mask from its most central window", async () => {
    const [lambda] = readFasta(BUNDLED_DATA.lambdaPhage);
    const bases = lambda!.sequence.slice(5000, 5000 + 1000);
    const masked = `${bases.slice(0, 700)}[MASK]${bases.slice(701)}`;
    const [windowed] = await mlm.model.fillMask([masked], { longSequences: "windows" });
    assert.equal(windowed!.length, 1);
    assert.equal(windowed![0]!.tokenIndex, 701, "index in the full encoding, after [CLS]");
    const total = windowed![0]!.predictions.reduce((sum, prediction) => sum + prediction.probability, 0);
    assert.ok(total > 0.99, `the top 5 tokens (the five bases) carry ${total} of the probability`);
  });

  it("embeds a long sequence from all windows", async () => {
    const [lambda] = readFasta(BUNDLED_DATA.lambdaPhage);
    const sequence = lambda!.sequence.slice(0, 3000);
    const [windowed] = await mlm.model.embed([sequence], { longSequences: "windows" });
    const [first] = await mlm.model.embed([sequence.slice(0, 510)]);
    assert.equal(windowed!.length, 128);
    assert.ok(cosineSimilarity(windowed!, first!) < 0.99999, "later windows contribute");
  });

  it("rejects an unknown long-sequence mode", async () => {
    await assert.rejects(mlm.model.embed(["ACGT"], { longSequences: "split" as "windows" }), /longSequences must be "truncate" or "windows", got "split"/);
  });
});
