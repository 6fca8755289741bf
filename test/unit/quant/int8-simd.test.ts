import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import { float32Bits } from "../../../kernel/src/quant/float-bits";
import { INT8_WASM_BYTES } from "../../../kernel/src/quant/wasm/int8-module";
import { instantiateInt8Simd, type WebAssemblyApi } from "../../../kernel/src/quant/wasm/int8-simd";
import { compileWat, renderModuleSource, REPO_ROOT, WASM_SOURCES } from "../../../scripts/wasm/compile-wat";

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** Returns a fresh instance of the INT8 kernels, failing the test where it cannot load. */
function freshBuffer() {
  const buffer = instantiateInt8Simd(webAssembly);
  assert.ok(buffer !== undefined, "the INT8 WebAssembly module loads in Node");
  return buffer;
}

describe("INT8 WebAssembly module", () => {
  for (const source of WASM_SOURCES) {
    it(`${source.output} matches ${source.wat}`, async () => {
      const bytes = await compileWat(source.wat);
      assert.deepEqual(Array.from(INT8_WASM_BYTES), Array.from(bytes), `run \`npm run build:wasm\` after editing ${source.wat}`);
      const generated = readFileSync(path.resolve(REPO_ROOT, source.output), "utf8");
      assert.equal(generated, renderModuleSource(source, bytes), `run \`npm run build:wasm\` to regenerate ${source.output}`);
    });
  }
});

describe("instantiateInt8Simd", () => {
  it("returns undefined without WebAssembly", () => {
    assert.equal(instantiateInt8Simd(undefined), undefined);
  });

  it("returns undefined when validation fails", () => {
    assert.ok(webAssembly !== undefined);
    const withoutSimd: WebAssemblyApi = { validate: () => false, Module: webAssembly.Module, Instance: webAssembly.Instance };
    assert.equal(instantiateInt8Simd(withoutSimd), undefined);
  });

  it("returns undefined when compiling throws", () => {
    assert.ok(webAssembly !== undefined);
    const Module = function Module(): object {
      throw new Error("WebAssembly compilation is forbidden");
    } as unknown as WebAssemblyApi["Module"];
    assert.equal(instantiateInt8Simd({ validate: webAssembly.validate, Module, Instance: webAssembly.Instance }), undefined);
  });
});

describe("Int8SimdBuffer", () => {
  it("fits values and codes into one 64 KiB page", () => {
    const buffer = freshBuffer();
    assert.equal(buffer.capacity % 16, 0);
    assert.ok(5 * buffer.capacity <= 65536);
    assert.ok(5 * (buffer.capacity + 16) > 65536);
    assert.equal(buffer.codes.byteOffset, 4 * buffer.capacity);
  });

  it("finds the largest magnitude bits at any start and count", () => {
    const buffer = freshBuffer();
    buffer.values.set(Float32Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1) * Math.fround(Math.sin(i) * 3)));
    const bits = float32Bits(buffer.values);
    for (const [start, count] of [[0, 100], [1, 15], [3, 16], [5, 33], [7, 0], [99, 1], [2, 64]] as const) {
      let expected = 0;
      for (let i = start; i < start + count; i++) expected = Math.max(expected, bits[i]! & 0x7fffffff);
      assert.equal(buffer.maxMagnitudeBits(start, count), expected, `start ${start}, count ${count}`);
    }
  });

  it("flags Infinity and NaN in the vector part and the tail", () => {
    const buffer = freshBuffer();
    for (const bad of [Infinity, -Infinity, Number.NaN]) {
      for (const index of [3, 20, 33]) {
        buffer.values.fill(0.5, 0, 35);
        buffer.values[index] = bad;
        assert.ok(buffer.maxMagnitudeBits(0, 35) >= 0x7f800000, `${bad} at ${index}`);
      }
    }
  });

  it("encodes ties to even and clamps an infinite factor to ±127", () => {
    const buffer = freshBuffer();
    const inputs = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -126.5, 0, -0, 127, -127, 3.25, -3.75, 0.49999997, -0.49999997, 17.5];
    buffer.values.set(inputs);
    buffer.encode(0, inputs.length, 1);
    assert.deepEqual(Array.from(buffer.codes.subarray(0, inputs.length)), [0, 2, 2, 0, -2, -2, 126, -126, 0, 0, 127, -127, 3, -4, 0, 0, 18]);

    const tiny = [1e-40, -1e-40, 0, -0, 1.401298464324817e-45, -3e-39, 0, 2e-40, -1e-45, 0, 0, 0, 0, 0, 0, 0, -1e-40, 1e-40, 0];
    buffer.values.set(tiny);
    buffer.encode(0, tiny.length, Infinity);
    assert.deepEqual(Array.from(buffer.codes.subarray(0, tiny.length)), [127, -127, 0, 0, 127, -127, 0, 127, -127, 0, 0, 0, 0, 0, 0, 0, -127, 127, 0]);
  });

  it("encodes at an offset without touching other codes", () => {
    const buffer = freshBuffer();
    buffer.codes.fill(99, 0, 64);
    buffer.values.set(Float32Array.from({ length: 21 }, (_, i) => i - 10), 5);
    buffer.encode(5, 21, 2);
    assert.deepEqual(Array.from(buffer.codes.subarray(0, 5)), [99, 99, 99, 99, 99]);
    assert.deepEqual(Array.from(buffer.codes.subarray(5, 26)), Array.from({ length: 21 }, (_, i) => 2 * (i - 10)));
    assert.deepEqual(Array.from(buffer.codes.subarray(26, 64)), new Array<number>(38).fill(99));
  });
});
