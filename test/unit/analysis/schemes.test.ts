import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { describeScheme, resolveScheme } from "../../../kernel/src/analysis";

describe("analysis schemes", () => {
  it("describes storage cost per weight", () => {
    const cases: [Parameters<typeof resolveScheme>[0], string, number][] = [
      ["int8", "int8-row", 8 + 32 / 768],
      ["nf4", "nf4-64", 4.5],
      [{ kind: "nf4", doubleQuant: true }, "nf4-64-dq", 4 + 8 / 64 + 32 / (64 * 256)],
      [{ kind: "fp4", blockSize: 128 }, "fp4-128", 4.25],
      ["int4", "int4-32", 5],
      [{ kind: "int4", symmetric: false, blockSize: 64 }, "int4-64-asym", 4 + 0.5 + 4 / 64],
      [{ kind: "int8", granularity: "tensor" }, "int8-tensor", 8],
    ];
    for (const [input, id, bits] of cases) {
      const described = describeScheme(resolveScheme(input), 768);
      assert.equal(described.id, id);
      assert.ok(Math.abs(described.bitsPerWeight - bits) < 1e-12, `${id}: ${described.bitsPerWeight} bits, expected ${bits}`);
    }
  });

  it("rejects unknown names and block sizes", () => {
    assert.throws(() => resolveScheme("int3" as "int8"), /Unknown scheme "int3"; use "int8", "nf4", "fp4" or "int4"/);
    assert.throws(() => resolveScheme({ kind: "nf4", blockSize: 100 }), /blockSize must be a power of two .* got 100/);
    assert.throws(() => resolveScheme({ kind: "int4", blockSize: 512 }), /int4 blockSize must be one of .* got 512/);
  });
});
