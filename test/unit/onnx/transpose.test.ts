import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { float32FromBytes, transposeMatrix } from "../../../kernel/src/onnx";
import { standardNormal } from "../../helpers/random";

describe("transposeMatrix", () => {
  it("transposes float32 and int8 matrices of any shape", () => {
    // Row counts around the 8-row bands, including a remainder and fewer rows than a band.
    for (const [rows, cols] of [[1, 1], [3, 5], [8, 8], [13, 7], [24, 1], [17, 33]] as const) {
      const values = standardNormal(rows * cols, rows * 100 + cols);
      const floats = transposeMatrix(values, rows, cols, new Float32Array(values.length));
      const codes = Int8Array.from(values, (x) => Math.round(x * 40));
      const transposedCodes = transposeMatrix(codes, rows, cols, new Int8Array(codes.length));
      for (let row = 0; row < rows; row++) {
        for (let col = 0; col < cols; col++) {
          assert.equal(floats[col * rows + row], values[row * cols + col], `float32 [${row}, ${col}] of ${rows} x ${cols}`);
          assert.equal(transposedCodes[col * rows + row], codes[row * cols + col], `int8 [${row}, ${col}] of ${rows} x ${cols}`);
        }
      }
    }
  });

  it("rejects arrays that do not match the shape", () => {
    assert.throws(() => transposeMatrix(new Float32Array(6), 2, 4, new Float32Array(8)), /expected 2 x 4 = 8 values in and out, got 6 and 8/);
  });
});

describe("float32FromBytes", () => {
  it("copies unaligned bytes into reused memory", () => {
    const values = Float32Array.of(1.5, -2, 3.25, 1e-30);
    const file = new Uint8Array(3 + values.byteLength);
    file.set(new Uint8Array(values.buffer), 3);
    const reused = new ArrayBuffer(64);
    const copy = float32FromBytes(file.subarray(3), reused);
    assert.deepEqual(copy, values);
    assert.equal(copy.buffer, reused, "the copy uses the given buffer");
    assert.notEqual(float32FromBytes(file.subarray(3), new ArrayBuffer(8)).buffer.byteLength, 8, "a small buffer is not used");
  });

  it("copies from shared memory at every offset", () => {
    const values = standardNormal(1001, 7);
    const shared = new Uint8Array(new SharedArrayBuffer(values.byteLength + 16));
    for (let offset = 0; offset < 9; offset++) {
      shared.set(new Uint8Array(values.buffer), offset);
      assert.deepEqual(float32FromBytes(shared.subarray(offset, offset + values.byteLength)), values, `offset ${offset}`);
    }
  });
});
