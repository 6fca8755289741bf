import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { BUNDLED_DATA, parseCsv, parseFasta, readFasta, readLabelledSequences } from "../../../kernel/src/data";

describe("parseCsv", () => {
  it("reads quoted fields and CRLF", () => {
    assert.deepEqual(parseCsv('a,b\r\n"x,1","say ""hi"""\r\n'), [["a", "b"], ["x,1", 'say "hi"']]);
  });
});

describe("parseFasta", () => {
  it("joins lines and keeps case", () => {
    assert.deepEqual(parseFasta(">chr1 test\nACgt\nNN\n>chr2\nA\n"), [
      { id: "chr1", description: "test", sequence: "ACgtNN" },
      { id: "chr2", description: "", sequence: "A" },
    ]);
  });

  it("rejects sequence before a header", () => {
    assert.throws(() => parseFasta("ACGT\n>x\n", "x.fa"), /x\.fa line 1: sequence data before the first ">" header/);
  });
});

describe("bundled data", () => {
  it("reads the gzip lambda phage genome", () => {
    const [record] = readFasta(BUNDLED_DATA.lambdaPhage);
    assert.equal(record!.sequence.length, 48502);
    assert.match(record!.sequence, /^[ACGT]+$/);
  });

  it("reads the promoter test set", () => {
    const rows = readLabelledSequences(BUNDLED_DATA.promoterTest);
    assert.equal(rows.length, 100);
    assert.ok(rows.every((row) => row.sequence.length === 300 && (row.label === "0" || row.label === "1")));
  });

  it("names a missing column", () => {
    assert.throws(() => readLabelledSequences(BUNDLED_DATA.taxonomyTest), /has no column "label"; its columns are "sequence", "labels"/);
  });
});
