import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";

import { DnaTokenizer } from "../../../kernel/src/model";
import { BUNDLED_MODEL, FIXTURES_DIR } from "../../helpers/paths";

/** DNABERT-2's README example and the ids its BPE tokenizer gives for it. */
const DNABERT2_EXAMPLE = "ACGTAGCATCGGATCTATCTATCGACACTTGGTTATCGATCTACGAGCATCTCGTTAGC";
const DNABERT2_EXAMPLE_IDS = [1, 5, 194, 32, 757, 1239, 2092, 294, 24, 359, 88, 93, 32, 75, 77, 19, 2];

describe("DnaTokenizer", () => {
  it("encodes DNABERT-2's example with its BPE tokenizer", () => {
    const tokenizer = DnaTokenizer.fromDirectory(path.join(FIXTURES_DIR, "tokenizers", "dnabert2"));
    assert.deepEqual(tokenizer.encode(DNABERT2_EXAMPLE), DNABERT2_EXAMPLE_IDS);
    assert.equal(tokenizer.maskTokenId, 4);
    assert.equal(tokenizer.padTokenId, 3);
  });

  it("encodes single bases with the bundled tokenizer", () => {
    const tokenizer = DnaTokenizer.fromDirectory(BUNDLED_MODEL);
    assert.deepEqual(tokenizer.encode("acgtn"), [1, 5, 6, 7, 8, 9, 2]);
  });

  it("maps ambiguity codes to N when the vocabulary has N", () => {
    const tokenizer = DnaTokenizer.fromDirectory(BUNDLED_MODEL);
    assert.equal(tokenizer.normalize("ACRYKM[MASK]T"), "ACNNNN[MASK]T");
    assert.deepEqual(tokenizer.encode("AR[MASK]"), [1, 5, 9, 4, 2]);
  });

  it("pads a batch and masks the padding", () => {
    const tokenizer = DnaTokenizer.fromDirectory(BUNDLED_MODEL);
    const batch = tokenizer.encodeBatch(["ACG", "A"]);
    assert.equal(batch.sequenceLength, 5);
    assert.deepEqual(Array.from(batch.inputIds, Number), [1, 5, 6, 7, 2, 1, 5, 2, 3, 3]);
    assert.deepEqual(Array.from(batch.attentionMask, Number), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual(batch.lengths, [5, 3]);
  });

  it("truncates a long sequence with a warning", () => {
    const tokenizer = DnaTokenizer.fromDirectory(BUNDLED_MODEL);
    const warnings: string[] = [];
    const batch = tokenizer.encodeBatch(["A".repeat(600)], { firstIndex: 4, warn: (message) => warnings.push(message) });
    assert.equal(batch.sequenceLength, 512);
    assert.equal(Number(batch.inputIds[511]), 2, "keeps the final [SEP]");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Sequence 4 has 602 tokens, more than the model maximum 512/);
  });

  it("reports a directory without tokenizer.json", () => {
    assert.throws(() => DnaTokenizer.fromDirectory(FIXTURES_DIR), /No tokenizer\.json in .*fixtures\. Copy the model's tokenizer files there/);
  });
});
