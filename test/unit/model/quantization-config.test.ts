import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { mapQuantizationConfig, moduleMatcher, resolveLoadOptions } from "../../../kernel/src/model";

describe("mapQuantizationConfig", () => {
  it("maps a DNALLM QLoRA config", () => {
    const warnings: string[] = [];
    const mapped = mapQuantizationConfig(
      {
        load_in_4bit: true,
        bnb_4bit_quant_type: "nf4",
        bnb_4bit_use_double_quant: true,
        bnb_4bit_compute_dtype: "bfloat16",
        llm_int8_skip_modules: ["classifier"],
      },
      (message) => warnings.push(message),
    );
    assert.deepEqual(mapped, { loadIn4bit: true, quantType: "nf4", doubleQuant: true, skipModules: ["classifier"] });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /bnb_4bit_compute_dtype "bfloat16" is ignored/);
  });

  it("accepts serialized keys and warns on ignored ones", () => {
    const warnings: string[] = [];
    const mapped = mapQuantizationConfig({ _load_in_8bit: true, quant_method: "bitsandbytes", llm_int8_enable_fp32_cpu_offload: false }, (message) => warnings.push(message));
    assert.deepEqual(mapped, { loadIn8bit: true });
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /llm_int8_enable_fp32_cpu_offload is ignored: everything already runs on the CPU/);
  });

  it("rejects unknown keys and values", () => {
    assert.throws(() => mapQuantizationConfig({ load_in_3bit: true }, () => {}), /unknown key "load_in_3bit". Known keys: load_in_8bit/);
    assert.throws(() => mapQuantizationConfig({ bnb_4bit_quant_type: "int4" }, () => {}), /bnb_4bit_quant_type must be "nf4" or "fp4", got "int4"/);
    assert.throws(() => mapQuantizationConfig({ load_in_4bit: "yes" }, () => {}), TypeError);
    assert.throws(() => mapQuantizationConfig("nf4", () => {}), /quantizationConfig must be an object/);
  });

  it("lets explicit options win with a warning", () => {
    const warnings: string[] = [];
    const resolved = resolveLoadOptions({ loadIn4bit: true, quantType: "fp4", quantizationConfig: { load_in_4bit: true, bnb_4bit_quant_type: "nf4" }, warn: (message: string) => warnings.push(message) });
    assert.deepEqual(resolved.scheme, { kind: "4bit", type: "fp4", blockSize: 64 });
    assert.deepEqual(warnings, ['quantType is "fp4" in the options and "nf4" in quantizationConfig; the option is used.']);
  });
});

describe("moduleMatcher", () => {
  it("matches whole path segments", () => {
    const skip = moduleMatcher(["classifier", /lm_head/]);
    assert.equal(skip(["/classifier/Gemm"]), true);
    assert.equal(skip(["classifier.weight"]), true);
    assert.equal(skip(["preclassifier.weight"]), false);
    assert.equal(skip(["/model/lm_head/MatMul"]), true);
    assert.equal(skip(["/pooler/Gemm", "pooler.weight"]), false);
  });
});
