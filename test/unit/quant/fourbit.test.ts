import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  dequantize4bit,
  FP4_CODE_VALUES,
  fp4Code,
  NF4_CODE_VALUES,
  NF4_THRESHOLDS,
  nf4Code,
  quantize4bit,
} from "../../../kernel/src/quant";
import { fp4CodeReference, nf4CodeReference, quantize4bitReference } from "../../../kernel/src/quant/fourbit-reference";
import { standardNormal } from "../../helpers/random";

/** Returns the next float32 above `x`. */
function nextFloat32Up(x: number): number {
  const buffer = new Float32Array([x]);
  const bits = new Int32Array(buffer.buffer);
  bits[0] = x >= 0 ? bits[0]! + 1 : bits[0]! - 1;
  if (x === 0) return 1.401298464324817e-45;
  return buffer[0]!;
}

/** Unpacks `length` codes, even element from the high nibble. */
function unpack(packed: Uint8Array, length: number): number[] {
  return Array.from({ length }, (_, i) => ((i & 1) === 0 ? packed[i >> 1]! >> 4 : packed[i >> 1]! & 0x0f));
}

describe("NF4 codes", () => {
  it("maps each code value to itself", () => {
    NF4_CODE_VALUES.forEach((value, code) => assert.equal(nf4Code(value), code, `code of ${value}`));
  });

  it("sends a threshold to the lower code", () => {
    // Each threshold is the float32 rounding of the midpoint of codes i and i + 1, and the
    // kernels compare with x > threshold, so x == threshold stays at code i.
    NF4_THRESHOLDS.forEach((threshold, i) => {
      assert.equal(nf4Code(threshold), i, `threshold ${threshold}`);
      assert.equal(nf4Code(nextFloat32Up(threshold)), i + 1, `just above threshold ${threshold}`);
    });
  });

  it("matches the reference on random values", () => {
    const values = standardNormal(20000, 11).map((x) => Math.fround(x / 3));
    for (const x of values) assert.equal(nf4Code(x), nf4CodeReference(x), `x = ${x}`);
  });
});

describe("FP4 codes", () => {
  it("maps each code value to its code", () => {
    // Code 8 is -0, which encodes as +0 (code 0) because the sign bit is set only for x < 0.
    FP4_CODE_VALUES.forEach((value, code) => assert.equal(fp4Code(value), code === 8 ? 0 : code, `code of ${value}`));
  });

  it("matches the reference on random values", () => {
    const values = standardNormal(20000, 12).map((x) => Math.fround(x / 3));
    for (const x of values) assert.equal(fp4Code(x), fp4CodeReference(x), `x = ${x}`);
  });

  it("sends a pivot to the lower magnitude", () => {
    // 0.0859375 = 11/128 is exact in float32 and lies between 1/192 (code 1) and 1/6 (code 6).
    assert.equal(fp4Code(0.0859375), 0b001);
    assert.equal(fp4Code(-0.0859375), 0b1001);
    assert.equal(fp4Code(nextFloat32Up(0.0859375)), 0b110);
  });
});

describe("quantize4bit", () => {
  it("packs the even element in the high nibble", () => {
    // Block of 16: absmax 1, so codes are the table indices of the values themselves.
    const values = Float32Array.from([1, -1, 0, 0.5626170039176941, ...new Array<number>(12).fill(0)]);
    const { packed, absmax } = quantize4bit(values, { type: "nf4", blockSize: 16 });
    assert.deepEqual(Array.from(absmax), [1]);
    assert.equal(packed.length, 8);
    assert.equal(packed[0], (15 << 4) | 0);
    assert.equal(packed[1], (7 << 4) | 13);
  });

  it("quantizes values equal to plus and minus absmax to the end codes", () => {
    const values = Float32Array.from({ length: 16 }, (_, i) => (i === 3 ? -2.5 : i === 9 ? 2.5 : 0.1));
    const codes = unpack(quantize4bit(values, { blockSize: 16 }).packed, 16);
    assert.equal(codes[3], 0);
    assert.equal(codes[9], 15);
  });

  it("gives code 7 and zeros for an all-zero block", () => {
    const values = new Float32Array(32);
    values.fill(0.25, 16);
    const tensor = quantize4bit(values, { blockSize: 16 });
    assert.deepEqual(unpack(tensor.packed, 16), new Array(16).fill(7));
    const restored = dequantize4bit(tensor);
    assert.ok(restored.subarray(0, 16).every((x) => x === 0), "all-zero block restores to zeros");
    assert.ok(restored.every((x) => !Number.isNaN(x)), "no NaN");
  });

  it("keeps a single large outlier exact and flushes the rest", () => {
    // With absmax 1000, 0.01 / 1000 = 1e-5 is below the first positive threshold 0.0398.
    const values = new Float32Array(64).fill(0.01);
    values[17] = 1000;
    const restored = dequantize4bit(quantize4bit(values, { blockSize: 64 }));
    assert.equal(restored[17], 1000);
    assert.equal(restored[0], 0);
  });

  it("handles subnormal inputs", () => {
    // The absmax 1e-40 is subnormal in float32 and its reciprocal 1e40 overflows float32 to
    // Infinity, as it does in the CUDA kernels.
    const tiny = Math.fround(1e-40);
    const values = Float32Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? tiny : -tiny));
    const tensor = quantize4bit(values, { blockSize: 16 });
    assert.equal(tensor.absmax[0], tiny);
    const codes = unpack(tensor.packed, 16);
    // Infinity * tiny is Infinity (code 15) and Infinity * -tiny is -Infinity (code 0).
    assert.deepEqual(codes.slice(0, 2), [15, 0]);
    const restored = dequantize4bit(tensor);
    assert.equal(restored[0], tiny);
    assert.equal(restored[1], -tiny);
  });

  it("handles odd lengths and a partial last block", () => {
    const values = standardNormal(16 * 3 + 5, 3);
    const tensor = quantize4bit(values, { blockSize: 16 });
    assert.equal(tensor.absmax.length, 4);
    assert.equal(tensor.packed.length, 27);
    assert.equal(tensor.packed[26]! & 0x0f, 0, "the unused low nibble is 0");
    const expectedLastAbsmax = Math.max(...Array.from(values.subarray(48)).map(Math.abs));
    assert.equal(tensor.absmax[3], Math.fround(expectedLastAbsmax));
  });

  it("matches the reference byte for byte", () => {
    const values = standardNormal(64 * 100 + 7, 4);
    for (const type of ["nf4", "fp4"] as const) {
      for (const blockSize of [16, 64, 256]) {
        const fast = quantize4bit(values, { type, blockSize });
        const reference = quantize4bitReference(values, type, blockSize);
        assert.deepEqual(fast.absmax, reference.absmax, `${type} block ${blockSize} absmax`);
        assert.deepEqual(fast.packed, reference.packed, `${type} block ${blockSize} packed codes`);
      }
    }
  });

  it("rejects an invalid block size", () => {
    for (const blockSize of [0, 8, 48, 8192, 63.5]) {
      assert.throws(() => quantize4bit(new Float32Array(64), { blockSize }), (error: Error) => {
        assert.match(error.message, new RegExp(`blockSize .*got ${blockSize}`));
        return error instanceof RangeError || error instanceof TypeError;
      });
    }
  });

  it("rejects NaN and Infinity naming the tensor", () => {
    const values = new Float32Array(16);
    values[5] = NaN;
    assert.throws(() => quantize4bit(values, { blockSize: 16, name: "layer.weight" }), /Tensor "layer\.weight" contains NaN at element 5/);
    values[5] = -Infinity;
    assert.throws(() => quantize4bit(values, { blockSize: 16, name: "w" }), RangeError);
  });
});
