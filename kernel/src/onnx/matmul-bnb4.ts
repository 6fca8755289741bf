/**
 * 4-bit linear weights for onnxruntime's `com.microsoft.MatMulBnb4` (NF4 or FP4).
 *
 * The operator takes the weight as `[N, K]` (the transpose of MatMul's `[K, N]` B), flattened
 * row-major and cut into blocks of `block_size` that may cross rows: B is uint8
 * `[ceil(N * K / 2)]` with the even element in the high nibble, absmax is float32
 * `[ceil(N * K / block_size)]`. Attributes: K, N, block_size, quant_type (0 = FP4, 1 = NF4).
 */

import { dequantize4bit, quantize4bit, type FourBitType } from "../quant";
import { intAttribute, MICROSOFT_DOMAIN, type QuantizedMatMul } from "./rewrite-linear";
import { makeTensor, ONNX_DATA_TYPE } from "./tensor";
import type { QuantizedWeight } from "./quantized-weight";

/** MatMulBnb4's quant_type attribute values. */
export const BNB4_QUANT_TYPE: Readonly<Record<FourBitType, number>> = Object.freeze({ fp4: 0, nf4: 1 });

/**
 * Quantizes a weight given as `[N, K]` (output channels by input features, row-major) to NF4 or
 * FP4 for MatMulBnb4.
 */
export function quantizeForMatMulBnb4(
  weightOutIn: Float32Array,
  outFeatures: number,
  inFeatures: number,
  options: { type: FourBitType; blockSize: number },
  names: { codes: string; absmax: string },
  weightName: string,
): QuantizedWeight {
  const quantized = quantize4bit(weightOutIn, { ...options, name: weightName });
  const op: QuantizedMatMul = {
    opType: "MatMulBnb4",
    domain: MICROSOFT_DOMAIN,
    weightInputs: [names.codes, names.absmax],
    attributes: [
      intAttribute("K", inFeatures),
      intAttribute("N", outFeatures),
      intAttribute("block_size", options.blockSize),
      intAttribute("quant_type", BNB4_QUANT_TYPE[options.type]),
    ],
  };
  return {
    op,
    weightTensor: makeTensor(names.codes, ONNX_DATA_TYPE.UINT8, [quantized.packed.length], quantized.packed),
    metadataTensors: [makeTensor(names.absmax, ONNX_DATA_TYPE.FLOAT, [quantized.absmax.length], quantized.absmax)],
    dequantize: () => dequantize4bit(quantized),
  };
}
