/**
 * Options of `loadModelAndTokenizer`, named after DNALLM's and transformers' arguments in
 * TypeScript form, and their validation.
 */

import { validateBlockSize, type FourBitType } from "../quant";
import type { WeightScheme } from "../onnx";

/** 4-bit data types accepted by `quantType`. */
export const QUANT_TYPES: readonly FourBitType[] = Object.freeze(["nf4", "fp4"]);

/** Values accepted by `deviceMap`; all of them run on the CPU here. */
export const DEVICE_MAPS: readonly string[] = Object.freeze(["auto", "cpu"]);

/** Options of `loadModelAndTokenizer`. */
export interface LoadOptions {
  /** Store linear weights as INT8 with one absmax scale per output channel (default false). */
  loadIn8bit?: boolean;
  /** Store linear weights as 4-bit NF4 or FP4 with block-wise absmax (default false). */
  loadIn4bit?: boolean;
  /** 4-bit data type: `"nf4"` (default) or `"fp4"`. Used with `loadIn4bit`. */
  quantType?: FourBitType;
  /** Values per 4-bit block, a power of two from 16 to 4096 (default 64). Used with `loadIn4bit`. */
  blockSize?: number;
  /** `"auto"` (default) or `"cpu"`; both run on the CPU with onnxruntime's CPU provider. */
  deviceMap?: string;
  /** onnxruntime intra-op threads (default: onnxruntime's choice, one per core). */
  numThreads?: number;
  /** Receives warnings such as truncated sequences (default: `console.warn`). */
  warn?: (message: string) => void;
}

/** Validated options. */
export interface ResolvedLoadOptions {
  scheme: WeightScheme | null;
  numThreads?: number;
  warn: (message: string) => void;
}

/**
 * Validates {@link LoadOptions}.
 * @throws TypeError for a value of the wrong type, RangeError for a value outside its allowed set.
 */
export function resolveLoadOptions(options: unknown): ResolvedLoadOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object") throw new TypeError(`options must be an object, got ${typeof options}.`);
  const { loadIn8bit = false, loadIn4bit = false, quantType = "nf4", blockSize = 64, deviceMap = "auto", numThreads, warn } = options as LoadOptions;

  checkBoolean(loadIn8bit, "loadIn8bit");
  checkBoolean(loadIn4bit, "loadIn4bit");
  if (loadIn8bit && loadIn4bit) {
    throw new RangeError("loadIn8bit and loadIn4bit are both true; choose one: loadIn8bit for INT8 weights or loadIn4bit for NF4/FP4 weights.");
  }
  if (!QUANT_TYPES.includes(quantType)) {
    throw new RangeError(`quantType must be one of ${QUANT_TYPES.map((type) => `"${type}"`).join(", ")}, got ${JSON.stringify(quantType)}.`);
  }
  validateBlockSize(blockSize);
  if (typeof deviceMap !== "string" || !DEVICE_MAPS.includes(deviceMap)) {
    throw new RangeError(
      `deviceMap ${JSON.stringify(deviceMap)} is not supported: dnaquant runs on the CPU with onnxruntime; use ${DEVICE_MAPS.map((value) => `"${value}"`).join(" or ")}.`,
    );
  }
  if (numThreads !== undefined && (!Number.isInteger(numThreads) || numThreads < 1)) {
    throw new RangeError(`numThreads must be a positive integer, got ${String(numThreads)}.`);
  }
  if (warn !== undefined && typeof warn !== "function") throw new TypeError("warn must be a function that takes a message string.");

  let scheme: WeightScheme | null = null;
  if (loadIn8bit) scheme = { kind: "int8" };
  if (loadIn4bit) scheme = { kind: "4bit", type: quantType, blockSize };
  return { scheme, ...(numThreads !== undefined ? { numThreads } : {}), warn: warn ?? ((message: string) => console.warn(`dnaquant: ${message}`)) };
}

function checkBoolean(value: unknown, name: string): void {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false, got ${JSON.stringify(value)}.`);
}
