/**
 * INT8 linear weights for onnxruntime's `com.microsoft.DynamicQuantizeMatMul`: the weight is
 * stored as int8 `[K, N]` with one float32 scale per output column and no zero point
 * (symmetric), and the operator quantizes the activations to uint8 per tensor at run time.
 */

import { quantizeInt8Rowwise } from "../quant";
import { dequantizeLayer } from "./layer-quantization";
import { MICROSOFT_DOMAIN, type QuantizedMatMul } from "./rewrite-linear";
import { makeTensor, ONNX_DATA_TYPE } from "./tensor";
import { transposeMatrix } from "./transpose";
import type { QuantizedWeight } from "./quantized-weight";

/**
 * Quantizes a weight given as `[N, K]` (output channels by input features, row-major) to INT8
 * with per-output-channel absmax scales.
 * @returns the int8 tensor `[K, N]` (MatMul's B layout) and the float32 scales `[N]`.
 */
export function quantizeForDynamicQuantizeMatMul(
  weightOutIn: Float32Array,
  outFeatures: number,
  inFeatures: number,
  names: { codes: string; scales: string },
  weightName: string,
): QuantizedWeight {
  const quantized = quantizeInt8Rowwise(weightOutIn, outFeatures, inFeatures, weightName);
  const codesInOut = transposeMatrix(quantized.codes, outFeatures, inFeatures, new Int8Array(quantized.codes.length));
  return buildDynamicQuantizeMatMul(codesInOut, quantized.scales, outFeatures, inFeatures, names);
}

/**
 * Builds the DynamicQuantizeMatMul weight inputs from int8 codes `[K, N]` (MatMul's B layout)
 * and float32 scales `[N]`. The tensors reference the arrays without copying them.
 */
export function buildDynamicQuantizeMatMul(
  codesInOut: Int8Array,
  scales: Float32Array,
  outFeatures: number,
  inFeatures: number,
  names: { codes: string; scales: string },
): QuantizedWeight {
  const op: QuantizedMatMul = {
    opType: "DynamicQuantizeMatMul",
    domain: MICROSOFT_DOMAIN,
    weightInputs: [names.codes, names.scales],
    attributes: [],
  };
  return {
    op,
    weightTensor: makeTensor(names.codes, ONNX_DATA_TYPE.INT8, [inFeatures, outFeatures], codesInOut),
    metadataTensors: [makeTensor(names.scales, ONNX_DATA_TYPE.FLOAT, [outFeatures], scales)],
    dequantize: () => dequantizeLayer({ kind: "int8", codesInOut, scales }, outFeatures, inFeatures),
  };
}
