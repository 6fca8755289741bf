/**
 * 4-bit linear weights for onnxruntime's `com.microsoft.MatMulBnb4` (NF4 or FP4).
 *
 * The operator takes the weight as `[N, K]` (the transpose of MatMul's `[K, N]` B), flattened
 * row-major and cut into blocks of `block_size` that may cross rows: B is uint8
 * `[ceil(N * K / 2)]` with the even element in the high nibble, absmax is float32
 * `[ceil(N * K / block_size)]`. Attributes: K, N, block_size, quant_type (0 = FP4, 1 = NF4).
 *
 * With double quantization the graph stores the absmax values as uint8 dynamic-map codes
 * (padded to a multiple of 256), one float32 absmax per 256 codes and the float32 mean, and
 * rebuilds the float32 absmax before MatMulBnb4 with Cast, Gather, Reshape, Mul, Slice and Add.
 */

import { dequantize4bit, DOUBLE_QUANT_BLOCK_SIZE, quantize4bit, SIGNED_DYNAMIC_MAP, type DoubleQuantizedAbsmax, type FourBitTensor, type FourBitType } from "../quant";
import { onnx } from "./proto";
import { intAttribute, MICROSOFT_DOMAIN, type QuantizedMatMul } from "./rewrite-linear";
import { makeTensor, ONNX_DATA_TYPE } from "./tensor";
import type { QuantizedWeight, RewriteContext } from "./quantized-weight";

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
  options: { type: FourBitType; blockSize: number; doubleQuant?: boolean },
  weightName: string,
  context: RewriteContext,
): QuantizedWeight {
  const quantized = quantize4bit(weightOutIn, { ...options, name: weightName });
  return buildMatMulBnb4(quantized, outFeatures, inFeatures, weightName, context);
}

/**
 * Builds the MatMulBnb4 weight inputs (and, with double quantization, the nodes that restore the
 * absmax values) from a {@link FourBitTensor} of the `[N, K]` weight. The tensors reference its
 * arrays without copying them.
 */
export function buildMatMulBnb4(quantized: FourBitTensor, outFeatures: number, inFeatures: number, weightName: string, context: RewriteContext): QuantizedWeight {
  const { type, blockSize } = quantized;
  const names = { codes: context.uniqueName(`${weightName}_${type}`), absmax: context.uniqueName(`${weightName}_absmax`) };
  const op: QuantizedMatMul = {
    opType: "MatMulBnb4",
    domain: MICROSOFT_DOMAIN,
    weightInputs: [names.codes, names.absmax],
    attributes: [
      intAttribute("K", inFeatures),
      intAttribute("N", outFeatures),
      intAttribute("block_size", blockSize),
      intAttribute("quant_type", BNB4_QUANT_TYPE[type]),
    ],
  };
  const weightTensor = makeTensor(names.codes, ONNX_DATA_TYPE.UINT8, [quantized.packed.length], quantized.packed);
  const dequantize = () => dequantize4bit(quantized);
  if (!quantized.doubleQuant) {
    const metadataTensors = [makeTensor(names.absmax, ONNX_DATA_TYPE.FLOAT, [quantized.absmax.length], quantized.absmax)];
    return { op, weightTensor, metadataTensors, dequantize };
  }
  const restore = restoreAbsmaxInGraph(quantized.doubleQuant, names.absmax, weightName, context);
  return { op, weightTensor, ...restore, dequantize };
}

/**
 * Builds the tensors and nodes that compute `map[codes] * absmax2 + offset` into `output`.
 * The codes are padded to whole blocks of 256 so that one Reshape lines them up with absmax2.
 */
function restoreAbsmaxInGraph(
  compressed: DoubleQuantizedAbsmax,
  output: string,
  weightName: string,
  context: RewriteContext,
): Pick<QuantizedWeight, "metadataTensors" | "preludeNodes" | "overridableInputs"> {
  const { quantized, offset } = compressed;
  const blocks = quantized.absmax.length;
  const paddedLength = blocks * DOUBLE_QUANT_BLOCK_SIZE;
  const codes = new Uint8Array(paddedLength);
  codes.set(quantized.codes);

  // Stored tensors: the codes, the second-level absmax as [blocks, 1], the mean, and shapes.
  const name = (suffix: string) => context.uniqueName(`${weightName}_absmax_${suffix}`);
  const tensors = {
    codes: makeTensor(name("codes"), ONNX_DATA_TYPE.UINT8, [paddedLength], codes),
    absmax2: makeTensor(name("absmax2"), ONNX_DATA_TYPE.FLOAT, [blocks, 1], quantized.absmax),
    offset: makeTensor(name("offset"), ONNX_DATA_TYPE.FLOAT, [1], Float32Array.of(offset)),
    blockShape: makeTensor(name("block_shape"), ONNX_DATA_TYPE.INT64, [2], BigInt64Array.of(BigInt(blocks), BigInt(DOUBLE_QUANT_BLOCK_SIZE))),
    flatShape: makeTensor(name("flat_shape"), ONNX_DATA_TYPE.INT64, [1], BigInt64Array.of(-1n)),
    starts: makeTensor(name("starts"), ONNX_DATA_TYPE.INT64, [1], BigInt64Array.of(0n)),
    ends: makeTensor(name("ends"), ONNX_DATA_TYPE.INT64, [1], BigInt64Array.of(BigInt(quantized.length))),
  };
  const map = context.sharedTensor("signed-dynamic-map", (mapName) => makeTensor(mapName, ONNX_DATA_TYPE.FLOAT, [SIGNED_DYNAMIC_MAP.length], SIGNED_DYNAMIC_MAP));

  // Nodes: Cast -> Gather -> Reshape -> Mul -> Reshape -> Slice -> Add.
  const value = (suffix: string) => context.uniqueName(`${output}/${suffix}`);
  const indices = value("indices");
  const gathered = value("map_values");
  const grouped = value("grouped");
  const scaled = value("scaled");
  const flat = value("flat");
  const sliced = value("sliced");
  const node = (opType: string, input: string[], nodeOutput: string, attribute: onnx.IAttributeProto[] = []) =>
    onnx.NodeProto.create({ name: context.uniqueName(`${output}/${opType}`), opType, input, output: [nodeOutput], attribute });
  const preludeNodes = [
    node("Cast", [tensors.codes.name], indices, [intAttribute("to", ONNX_DATA_TYPE.INT32)]),
    node("Gather", [map, indices], gathered),
    node("Reshape", [gathered, tensors.blockShape.name], grouped),
    node("Mul", [grouped, tensors.absmax2.name], scaled),
    node("Reshape", [scaled, tensors.flatShape.name], flat),
    node("Slice", [flat, tensors.starts.name, tensors.ends.name], sliced),
    node("Add", [sliced, tensors.offset.name], output),
  ];

  // Declaring the codes as a graph input keeps onnxruntime from folding the float32 absmax.
  const overridableInputs = [
    onnx.ValueInfoProto.create({
      name: tensors.codes.name,
      type: { tensorType: { elemType: ONNX_DATA_TYPE.UINT8, shape: { dim: [{ dimValue: paddedLength }] } } },
    }),
  ];
  return { metadataTensors: Object.values(tensors), preludeNodes, overridableInputs };
}
