import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { checkSequenceList, normalizeDnaSequence } from "../../../kernel/src/model";

describe("normalizeDnaSequence", () => {
  it("upper-cases soft-masked bases", () => {
    assert.equal(normalizeDnaSequence("acgTNnryk", 0), "ACGTNNRYK");
  });

  it("names sequence, position and character", () => {
    assert.throws(() => normalizeDnaSequence("ACGTXA", 3), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /Sequence 3 has invalid character "X" at position 4/);
      assert.match(error.message, /remove or replace/);
      return true;
    });
  });

  it("accepts special tokens only when listed", () => {
    assert.equal(normalizeDnaSequence("AC[MASK]gt", 0, { specialTokens: ["[MASK]"] }), "AC[MASK]GT");
    assert.throws(() => normalizeDnaSequence("AC[MASK]GT", 0), /invalid character "\[" at position 2/);
  });

  it("rejects an empty sequence by index", () => {
    assert.throws(() => normalizeDnaSequence("", 2), { name: "RangeError", message: /Sequence 2 is empty\. Pass at least one nucleotide/ });
  });

  it("rejects a non-string", () => {
    assert.throws(() => normalizeDnaSequence(42, 1), (error: Error) => error instanceof TypeError && /Sequence 1 must be a string/.test(error.message));
  });
});

describe("checkSequenceList", () => {
  it("rejects a bare string and an empty list", () => {
    assert.throws(() => checkSequenceList("ACGT"), /wrap a single sequence in \[ \]/);
    assert.throws(() => checkSequenceList([]), /non-empty array/);
  });
});
