import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { dequantizeInt8Rowwise, quantizeInt8Rowwise, roundHalfEven } from "../../../kernel/src/quant";

describe("roundHalfEven", () => {
  it("rounds ties to the even neighbour", () => {
    const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [-2.5, -2], [2.4999, 2], [2.5001, 3]];
    for (const [input, expected] of cases) assert.equal(roundHalfEven(input), expected, `round(${input})`);
  });
});

describe("quantizeInt8Rowwise", () => {
  it("scales each row by its absmax", () => {
    // Row 0: absmax 2 -> factor 63.5; 1 * 63.5 = 63.5 rounds to 64 (even), -2 -> -127.
    // Row 1: absmax 0.5 -> factor 254; 0.25 * 254 = 63.5 -> 64, 0.5 -> 127.
    const values = Float32Array.from([1, -2, 0.25, 0.5]);
    const tensor = quantizeInt8Rowwise(values, 2, 2);
    assert.deepEqual(Array.from(tensor.codes), [64, -127, 64, 127]);
    assert.deepEqual(Array.from(tensor.scales), [Math.fround(2 / 127), Math.fround(0.5 / 127)]);
  });

  it("gives zeros for an all-zero row", () => {
    const tensor = quantizeInt8Rowwise(new Float32Array(6), 2, 3);
    assert.deepEqual(Array.from(tensor.codes), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(dequantizeInt8Rowwise(tensor)), [0, 0, 0, 0, 0, 0]);
  });

  it("rejects a shape that does not match", () => {
    assert.throws(() => quantizeInt8Rowwise(new Float32Array(5), 2, 3, "w"), /w: expected 2 x 3 = 6 values, got 5/);
  });
});
