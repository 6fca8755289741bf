/**
 * int4 linear weights for onnxruntime's `com.microsoft.MatMulNBits` (bits 4).
 *
 * Inputs after A: B uint8 `[N, kBlocks, blockSize / 2]` (codes along K, low nibble first),
 * scales float32 `[N * kBlocks]`, and for asymmetric weights zero points uint8
 * `[N * ceil(kBlocks / 2)]` (low nibble first). Attributes: K, N, bits 4, block_size and
 * accuracy_level (4 lets the CPU kernel quantize activations to int8 and use integer dot products).
 */

import { dequantizeInt4, quantizeInt4, type Int4Tensor } from "../quant";
import { blockCount } from "../quant/layout";
import { intAttribute, MICROSOFT_DOMAIN, type QuantizedMatMul } from "./rewrite-linear";
import { makeTensor, ONNX_DATA_TYPE } from "./tensor";
import type { QuantizedWeight } from "./quantized-weight";

/** Options of {@link quantizeForMatMulNBits}. */
export interface MatMulNBitsOptions {
  blockSize: number;
  symmetric: boolean;
  /** MatMulNBits accuracy_level: 0 (unset), 1 (fp32), 2 (fp16), 3 (bf16) or 4 (int8). */
  accuracyLevel: number;
}

/** Quantizes a weight given as `[N, K]` row-major to int4 for MatMulNBits. */
export function quantizeForMatMulNBits(
  weightOutIn: Float32Array,
  outFeatures: number,
  inFeatures: number,
  options: MatMulNBitsOptions,
  names: { codes: string; scales: string; zeroPoints: string },
  weightName: string,
): QuantizedWeight {
  const quantized = quantizeInt4(weightOutIn, outFeatures, inFeatures, { blockSize: options.blockSize, symmetric: options.symmetric, name: weightName });
  return buildMatMulNBits(quantized, options, names);
}

/**
 * Builds the MatMulNBits weight inputs from an {@link Int4Tensor} of the `[N, K]` weight. The
 * tensors reference its arrays without copying them.
 */
export function buildMatMulNBits(quantized: Int4Tensor, options: MatMulNBitsOptions, names: { codes: string; scales: string; zeroPoints: string }): QuantizedWeight {
  const { rows: outFeatures, cols: inFeatures } = quantized;
  const kBlocks = blockCount(inFeatures, options.blockSize);
  const metadataTensors = [makeTensor(names.scales, ONNX_DATA_TYPE.FLOAT, [outFeatures * kBlocks], quantized.scales)];
  if (quantized.zeroPoints) {
    metadataTensors.push(makeTensor(names.zeroPoints, ONNX_DATA_TYPE.UINT8, [quantized.zeroPoints.length], quantized.zeroPoints));
  }
  const op: QuantizedMatMul = {
    opType: "MatMulNBits",
    domain: MICROSOFT_DOMAIN,
    weightInputs: [names.codes, names.scales, quantized.zeroPoints ? names.zeroPoints : ""],
    attributes: [
      intAttribute("K", inFeatures),
      intAttribute("N", outFeatures),
      intAttribute("bits", 4),
      intAttribute("block_size", options.blockSize),
      intAttribute("accuracy_level", options.accuracyLevel),
    ],
  };
  return {
    op,
    weightTensor: makeTensor(names.codes, ONNX_DATA_TYPE.UINT8, [outFeatures, kBlocks, options.blockSize / 2], quantized.packed),
    metadataTensors,
    dequantize: () => dequantizeInt4(quantized),
  };
}
