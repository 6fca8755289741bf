/**
 * Quantization schemes compared by the error analysis: their descriptions, storage cost, and a
 * round trip (quantize, then dequantize) on one weight.
 */

import type { ErrorSchemePayload } from "../display/payloads";
import {
  DOUBLE_QUANT_BLOCK_SIZE,
  dequantize4bit,
  dequantizeInt4,
  dequantizeInt8,
  INT4_BLOCK_SIZES,
  quantize4bit,
  quantizeInt4,
  quantizeInt8,
  validateBlockSize,
  type Int8Granularity,
} from "../quant";

/** One scheme to compare. */
export type AnalysisScheme =
  | { kind: "int8"; granularity?: Int8Granularity; blockSize?: number }
  | { kind: "nf4" | "fp4"; blockSize?: number; doubleQuant?: boolean }
  | { kind: "int4"; blockSize?: number; symmetric?: boolean };

/** A scheme given by name (`"int8"`, `"nf4"`, `"fp4"`, `"int4"`) or in full. */
export type AnalysisSchemeInput = AnalysisScheme | AnalysisScheme["kind"];

/** Schemes compared when none are given: INT8 per row, NF4 and FP4 in blocks of 64, int4 in blocks of 32. */
export const DEFAULT_ANALYSIS_SCHEMES: readonly AnalysisScheme[] = Object.freeze([
  { kind: "int8", granularity: "row" },
  { kind: "nf4", blockSize: 64 },
  { kind: "fp4", blockSize: 64 },
  { kind: "int4", blockSize: 32, symmetric: true },
]);

/** A scheme with every default filled in. */
export type ResolvedScheme =
  | { kind: "int8"; granularity: Int8Granularity; blockSize: number }
  | { kind: "nf4" | "fp4"; blockSize: number; doubleQuant: boolean }
  | { kind: "int4"; blockSize: number; symmetric: boolean };

/**
 * Fills in defaults and checks a scheme.
 * @throws RangeError naming the scheme and the invalid value.
 */
export function resolveScheme(input: AnalysisSchemeInput): ResolvedScheme {
  const scheme: AnalysisScheme = typeof input === "string" ? ({ kind: input } as AnalysisScheme) : input;
  switch (scheme?.kind) {
    case "int8": {
      const granularity = scheme.granularity ?? "row";
      if (!["row", "tensor", "block"].includes(granularity)) {
        throw new RangeError(`int8 granularity must be "row", "tensor" or "block", got ${JSON.stringify(granularity)}.`);
      }
      return { kind: "int8", granularity, blockSize: scheme.blockSize ?? 64 };
    }
    case "nf4":
    case "fp4":
      return { kind: scheme.kind, blockSize: validateBlockSize(scheme.blockSize ?? 64), doubleQuant: scheme.doubleQuant ?? false };
    case "int4": {
      const blockSize = scheme.blockSize ?? 32;
      if (!INT4_BLOCK_SIZES.includes(blockSize)) {
        throw new RangeError(`int4 blockSize must be one of ${INT4_BLOCK_SIZES.join(", ")}, got ${String(blockSize)}.`);
      }
      return { kind: "int4", blockSize, symmetric: scheme.symmetric ?? true };
    }
    default:
      throw new RangeError(`Unknown scheme ${JSON.stringify(input)}; use "int8", "nf4", "fp4" or "int4", or an object such as { kind: "nf4", blockSize: 128 }.`);
  }
}

/** Returns the id, label and storage cost of a resolved scheme for a weight with rows of `cols` values. */
export function describeScheme(scheme: ResolvedScheme, cols?: number): ErrorSchemePayload {
  switch (scheme.kind) {
    case "int8": {
      const label = { row: "INT8 per row", tensor: "INT8 per tensor", block: `INT8 (block ${scheme.blockSize})` }[scheme.granularity];
      const id = scheme.granularity === "block" ? `int8-block${scheme.blockSize}` : `int8-${scheme.granularity}`;
      // One float32 scale per row, per block, or one for the whole tensor (negligible per weight).
      let scaleBits = 0;
      if (scheme.granularity === "row" && cols) scaleBits = 32 / cols;
      if (scheme.granularity === "block") scaleBits = 32 / scheme.blockSize;
      return { id, label, kind: "int8", ...(scheme.granularity === "block" ? { blockSize: scheme.blockSize } : {}), bitsPerWeight: 8 + scaleBits };
    }
    case "nf4":
    case "fp4": {
      const name = scheme.kind.toUpperCase();
      const absmaxBits = scheme.doubleQuant ? 8 / scheme.blockSize + 32 / (scheme.blockSize * DOUBLE_QUANT_BLOCK_SIZE) : 32 / scheme.blockSize;
      return {
        id: `${scheme.kind}-${scheme.blockSize}${scheme.doubleQuant ? "-dq" : ""}`,
        label: `${name} (block ${scheme.blockSize}${scheme.doubleQuant ? ", double quant" : ""})`,
        kind: scheme.kind,
        blockSize: scheme.blockSize,
        bitsPerWeight: 4 + absmaxBits,
      };
    }
    case "int4":
      return {
        id: `int4-${scheme.blockSize}${scheme.symmetric ? "" : "-asym"}`,
        label: `int4 (block ${scheme.blockSize}${scheme.symmetric ? "" : ", asymmetric"})`,
        kind: "int4",
        blockSize: scheme.blockSize,
        bitsPerWeight: 4 + 32 / scheme.blockSize + (scheme.symmetric ? 0 : 4 / scheme.blockSize),
      };
  }
}

/**
 * Quantizes and dequantizes a `[rows, cols]` row-major weight (output channels by input
 * features) with a scheme, returning the values the quantized model would compute with.
 */
export function roundTrip(scheme: ResolvedScheme, values: Float32Array, rows: number, cols: number, name: string): Float32Array {
  switch (scheme.kind) {
    case "int8":
      return dequantizeInt8(quantizeInt8(values, rows, cols, { granularity: scheme.granularity, blockSize: scheme.blockSize, name }));
    case "nf4":
    case "fp4":
      return dequantize4bit(quantize4bit(values, { type: scheme.kind, blockSize: scheme.blockSize, doubleQuant: scheme.doubleQuant, name }));
    case "int4":
      return dequantizeInt4(quantizeInt4(values, rows, cols, { blockSize: scheme.blockSize, symmetric: scheme.symmetric, name }));
  }
}
