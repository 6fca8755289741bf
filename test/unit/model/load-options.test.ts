import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { resolveLoadOptions } from "../../../kernel/src/model";

describe("resolveLoadOptions", () => {
  it("defaults to fp32", () => {
    assert.equal(resolveLoadOptions({}).scheme, null);
  });

  it("maps loadIn4bit to NF4 block 64", () => {
    assert.deepEqual(resolveLoadOptions({ loadIn4bit: true }).scheme, { kind: "4bit", type: "nf4", blockSize: 64 });
  });

  it("maps loadIn8bit to INT8", () => {
    assert.deepEqual(resolveLoadOptions({ loadIn8bit: true, deviceMap: "cpu" }).scheme, { kind: "int8" });
  });

  it("rejects both quantization flags", () => {
    assert.throws(() => resolveLoadOptions({ loadIn8bit: true, loadIn4bit: true }), /loadIn8bit and loadIn4bit are both true; choose one/);
  });

  it("rejects an unknown quantType", () => {
    assert.throws(() => resolveLoadOptions({ loadIn4bit: true, quantType: "int3" as "nf4" }), /quantType must be one of "nf4", "fp4", "int4", got "int3"/);
  });

  it("rejects a block size that is not a power of two", () => {
    assert.throws(() => resolveLoadOptions({ loadIn4bit: true, blockSize: 100 }), /blockSize must be a power of two .* got 100/);
  });

  it("rejects a GPU device map", () => {
    assert.throws(() => resolveLoadOptions({ deviceMap: "cuda:0" }), /deviceMap "cuda:0" is not supported.*use "auto" or "cpu"/);
  });

  it("maps int4 to MatMulNBits defaults", () => {
    assert.deepEqual(resolveLoadOptions({ loadIn4bit: true, quantType: "int4" }).scheme, { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 });
  });

  it("maps doubleQuant to NF4 with compressed absmax", () => {
    assert.deepEqual(resolveLoadOptions({ loadIn4bit: true, doubleQuant: true }).scheme, { kind: "4bit", type: "nf4", blockSize: 64, doubleQuant: true });
  });

  it("rejects an int4 block size outside its set", () => {
    assert.throws(() => resolveLoadOptions({ loadIn4bit: true, quantType: "int4", blockSize: 4096 }), /blockSize for int4 must be one of 16, 32, 64, 128, 256, got 4096/);
  });

  it("rejects doubleQuant with int4", () => {
    assert.throws(() => resolveLoadOptions({ loadIn4bit: true, quantType: "int4", doubleQuant: true }), /doubleQuant applies to quantType "nf4" and "fp4"/);
  });

  it("rejects an unknown accuracy level", () => {
    assert.throws(() => resolveLoadOptions({ loadIn4bit: true, quantType: "int4", accuracyLevel: 7 }), /accuracyLevel must be one of 0, 1, 2, 3, 4, got 7/);
  });

  it("rejects a flag that is not boolean", () => {
    assert.throws(() => resolveLoadOptions({ loadIn8bit: "yes" as unknown as boolean }), TypeError);
  });
});

describe("resolveLoadOptions checks", () => {
  it("rejects a misspelled option", () => {
    assert.throws(() => resolveLoadOptions({ loadIn2bit: true } as object), /Unknown load option "loadIn2bit"; the options are loadIn8bit, loadIn4bit/);
  });

  it("warns about 4-bit options without loadIn4bit", () => {
    const warnings: string[] = [];
    resolveLoadOptions({ quantType: "fp4", warn: (message: string) => warnings.push(message) });
    assert.deepEqual(warnings, ["quantType applies only with loadIn4bit: true and is ignored."]);
  });
});
