/**
 * Options of `loadModelAndTokenizer`, named after DNALLM's and transformers' arguments in
 * TypeScript form, and their validation.
 */

import { INT4_BLOCK_SIZES, validateBlockSize } from "../quant";
import type { WeightScheme } from "../onnx";
import { mapQuantizationConfig, type BitsAndBytesConfigLike } from "./quantization-config";
import type { DownloadProgressCallback } from "./sources";

/** 4-bit data types accepted by `quantType`: bitsandbytes' NF4 and FP4, and onnxruntime's int4. */
export const QUANT_TYPES = Object.freeze(["nf4", "fp4", "int4"] as const);

/** A 4-bit data type name. */
export type QuantType = (typeof QUANT_TYPES)[number];

/** Default block size of each 4-bit data type. */
export const DEFAULT_BLOCK_SIZE: Readonly<Record<QuantType, number>> = Object.freeze({ nf4: 64, fp4: 64, int4: 32 });

/** MatMulNBits accuracy levels: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations. */
export const ACCURACY_LEVELS: readonly number[] = Object.freeze([0, 1, 2, 3, 4]);

/** Values accepted by `deviceMap`; all of them run on the CPU here. */
export const DEVICE_MAPS: readonly string[] = Object.freeze(["auto", "cpu"]);

/** Options of `loadModelAndTokenizer`. */
export interface LoadOptions {
  /** Store linear weights as INT8 with one absmax scale per output channel (default false). */
  loadIn8bit?: boolean;
  /** Store linear weights in 4 bits: NF4, FP4 or int4, block-wise (default false). */
  loadIn4bit?: boolean;
  /**
   * 4-bit data type (used with `loadIn4bit`): `"nf4"` (default) and `"fp4"` run with
   * MatMulBnb4; `"int4"` runs with MatMulNBits, the 4-bit path that is not slower than fp32 on CPU.
   */
  quantType?: QuantType;
  /**
   * Values per 4-bit block (used with `loadIn4bit`): for NF4 and FP4 a power of two from 16 to
   * 4096 (default 64); for int4 16, 32 (default), 64, 128 or 256.
   */
  blockSize?: number;
  /** NF4 and FP4: compress the block absmax values to 8 bits (bitsandbytes' double quantization; default false). */
  doubleQuant?: boolean;
  /** int4: symmetric codes (default true) or asymmetric with a zero point per block. */
  symmetric?: boolean;
  /** int4: MatMulNBits accuracy_level, 0 to 4 (default 4: int8 activations with integer dot products). */
  accuracyLevel?: number;
  /** `"auto"` (default) or `"cpu"`; both run on the CPU with onnxruntime's CPU provider. */
  deviceMap?: string;
  /** onnxruntime intra-op threads (default: onnxruntime's choice, one per core). */
  numThreads?: number;
  /**
   * Linear weights kept in fp32, by node or weight name: a string matches a name that contains
   * it as a path segment (`"classifier"` matches `/classifier/Gemm`), a RegExp is tested as is.
   */
  skipModules?: readonly (string | RegExp)[];
  /** Activation magnitude counted as an outlier by `analyzeActivationOutliers` (default 6.0). */
  int8Threshold?: number;
  /**
   * A BitsAndBytesConfig-style object (`load_in_4bit`, `bnb_4bit_quant_type`, ...). Options
   * given directly take precedence over it.
   */
  quantizationConfig?: BitsAndBytesConfigLike;
  /** Receives warnings such as truncated sequences (default: `console.warn`). */
  warn?: (message: string) => void;
  /** ONNX file inside the model directory or hub repository, such as `onnx/model_quantized.onnx`. */
  onnxFile?: string;
  /** Directory with `tokenizer.json`, for a source that is an .onnx file. */
  tokenizer?: string;
  /** Hugging Face hub branch, tag or commit (default `main`). */
  revision?: string;
  /** Download progress of hub files; `false` turns off the default reporter on stderr. */
  onProgress?: DownloadProgressCallback | false;
}

/** Every key of {@link LoadOptions}, for rejecting misspelled options in JavaScript callers. */
const LOAD_OPTION_KEYS: ReadonlySet<string> = new Set([
  "loadIn8bit",
  "loadIn4bit",
  "quantType",
  "blockSize",
  "doubleQuant",
  "symmetric",
  "accuracyLevel",
  "deviceMap",
  "numThreads",
  "skipModules",
  "int8Threshold",
  "quantizationConfig",
  "warn",
  "onnxFile",
  "tokenizer",
  "revision",
  "onProgress",
]);

/** Options that only apply with `loadIn4bit`. */
const FOUR_BIT_OPTION_KEYS: readonly string[] = ["quantType", "blockSize", "doubleQuant", "symmetric", "accuracyLevel"];

/** Validated options. */
export interface ResolvedLoadOptions {
  scheme: WeightScheme | null;
  numThreads?: number;
  /** Returns whether a linear weight stays in fp32, given its node names and weight name. */
  skipModules: (names: readonly string[]) => boolean;
  int8Threshold: number;
  warn: (message: string) => void;
}

/**
 * Validates {@link LoadOptions}.
 * @throws TypeError for a value of the wrong type, RangeError for a value outside its allowed set.
 */
export function resolveLoadOptions(options: unknown): ResolvedLoadOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object") throw new TypeError(`options must be an object, got ${typeof options}.`);
  const given = options as LoadOptions;
  const unknown = Object.keys(given).filter((key) => !LOAD_OPTION_KEYS.has(key));
  if (unknown.length > 0) {
    throw new RangeError(`Unknown load option ${unknown.map((key) => JSON.stringify(key)).join(", ")}; the options are ${[...LOAD_OPTION_KEYS].join(", ")}.`);
  }
  if (given.warn !== undefined && typeof given.warn !== "function") throw new TypeError("warn must be a function that takes a message string.");
  const warnCallback = given.warn ?? ((message: string) => console.warn(`dnaquant: ${message}`));

  // A BitsAndBytesConfig fills in what the options leave out; options win, with a warning on conflict.
  if (given.quantizationConfig !== undefined) {
    const mapped = mapQuantizationConfig(given.quantizationConfig, warnCallback);
    for (const [key, value] of Object.entries(mapped)) {
      const current = (given as Record<string, unknown>)[key];
      if (current !== undefined && JSON.stringify(current) !== JSON.stringify(value)) {
        warnCallback(`${key} is ${JSON.stringify(current)} in the options and ${JSON.stringify(value)} in quantizationConfig; the option is used.`);
      }
    }
    options = { ...mapped, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
  }
  const { loadIn8bit = false, loadIn4bit = false, quantType = "nf4", deviceMap = "auto", numThreads } = options as LoadOptions;
  const { doubleQuant = false, symmetric = true, accuracyLevel = 4 } = options as LoadOptions;

  checkBoolean(loadIn8bit, "loadIn8bit");
  checkBoolean(loadIn4bit, "loadIn4bit");
  if (loadIn8bit && loadIn4bit) {
    throw new RangeError("loadIn8bit and loadIn4bit are both true; choose one: loadIn8bit for INT8 weights or loadIn4bit for NF4/FP4 weights.");
  }
  if (!QUANT_TYPES.includes(quantType)) {
    throw new RangeError(`quantType must be one of ${QUANT_TYPES.map((type) => `"${type}"`).join(", ")}, got ${JSON.stringify(quantType)}.`);
  }
  const blockSize = (options as LoadOptions).blockSize ?? DEFAULT_BLOCK_SIZE[quantType];
  if (quantType === "int4") {
    if (!INT4_BLOCK_SIZES.includes(blockSize)) {
      throw new RangeError(`blockSize for int4 must be one of ${INT4_BLOCK_SIZES.join(", ")}, got ${String(blockSize)}.`);
    }
  } else {
    validateBlockSize(blockSize);
  }
  checkBoolean(doubleQuant, "doubleQuant");
  checkBoolean(symmetric, "symmetric");
  if (!ACCURACY_LEVELS.includes(accuracyLevel)) {
    throw new RangeError(`accuracyLevel must be one of ${ACCURACY_LEVELS.join(", ")}, got ${String(accuracyLevel)}.`);
  }
  if (doubleQuant && quantType === "int4") {
    throw new RangeError('doubleQuant applies to quantType "nf4" and "fp4", not "int4"; remove doubleQuant or choose nf4.');
  }
  if (typeof deviceMap !== "string" || !DEVICE_MAPS.includes(deviceMap)) {
    throw new RangeError(
      `deviceMap ${JSON.stringify(deviceMap)} is not supported: dnaquant runs on the CPU with onnxruntime; use ${DEVICE_MAPS.map((value) => `"${value}"`).join(" or ")}.`,
    );
  }
  if (numThreads !== undefined && (!Number.isInteger(numThreads) || numThreads < 1)) {
    throw new RangeError(`numThreads must be a positive integer, got ${String(numThreads)}.`);
  }

  const unused = FOUR_BIT_OPTION_KEYS.filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  if (!loadIn4bit && unused.length > 0) {
    warnCallback(`${unused.join(", ")} ${unused.length === 1 ? "applies" : "apply"} only with loadIn4bit: true and ${unused.length === 1 ? "is" : "are"} ignored.`);
  }

  let scheme: WeightScheme | null = null;
  if (loadIn8bit) scheme = { kind: "int8" };
  if (loadIn4bit && quantType === "int4") scheme = { kind: "int4", blockSize, symmetric, accuracyLevel };
  if (loadIn4bit && quantType !== "int4") scheme = { kind: "4bit", type: quantType, blockSize, ...(doubleQuant ? { doubleQuant } : {}) };
  const { skipModules = [], int8Threshold = 6.0 } = options as LoadOptions;
  if (typeof int8Threshold !== "number" || !(int8Threshold > 0)) throw new RangeError(`int8Threshold must be a positive number, got ${String(int8Threshold)}.`);
  return {
    scheme,
    ...(numThreads !== undefined ? { numThreads } : {}),
    skipModules: moduleMatcher(skipModules),
    int8Threshold,
    warn: warnCallback,
  };
}

/**
 * Builds the skip test of `skipModules`. A string matches a name that contains it between path
 * separators (`/`, `.`, `::`) or at its ends, so `"classifier"` matches `/classifier/Gemm` and
 * `classifier.weight` but not `preclassifier.weight`.
 */
export function moduleMatcher(patterns: readonly (string | RegExp)[]): (names: readonly string[]) => boolean {
  if (!Array.isArray(patterns)) throw new TypeError("skipModules must be a list of names or regular expressions.");
  const tests = patterns.map((pattern) => {
    if (pattern instanceof RegExp) return (name: string) => pattern.test(name);
    if (typeof pattern !== "string" || pattern === "") throw new TypeError(`skipModules entries must be non-empty strings or RegExps, got ${JSON.stringify(pattern)}.`);
    const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const segment = new RegExp(`(^|[/.:])${escaped}($|[/.:])`);
    return (name: string) => segment.test(name);
  });
  return (names) => names.some((name) => tests.some((test) => test(name)));
}

function checkBoolean(value: unknown, name: string): void {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${JSON.stringify(value)}.`);
}
