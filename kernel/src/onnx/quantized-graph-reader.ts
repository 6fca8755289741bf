/**
 * Reading a graph whose linear weights are already quantized (saved by dnaquant, or produced by
 * onnxruntime's quantization tools): which nodes are quantized matrix products, with what scheme,
 * the weights they compute with, and the role of every stored tensor for the footprint.
 */

import { dequantize4bit, dequantizeInt4, type FourBitType } from "../quant";
import { findAttribute, indexGraph, type GraphIndex } from "./graph-index";
import { int64ToNumber, onnx, tensorDims, type Int64 } from "./proto";
import { isExternalTensor, type ExternalDataReader } from "./external-data";
import { dataTypeName, ONNX_DATA_TYPE, readFloatTensor, tensorByteLength } from "./tensor";
import type { GraphQuantizationResult, LinearLayerInfo, TensorRole, WeightInspector, WeightSchemeName } from "./quantize-graph";
import { MICROSOFT_DOMAIN } from "./rewrite-linear";

/** Quantized matrix-product operators of onnxruntime that dnaquant reads back. */
export const QUANTIZED_OPERATORS: readonly string[] = Object.freeze(["MatMulBnb4", "MatMulNBits", "DynamicQuantizeMatMul"]);

/** Returns whether the graph has any quantized matrix product (see {@link QUANTIZED_OPERATORS}). */
export function hasQuantizedLinearNodes(graph: onnx.IGraphProto): boolean {
  return (graph.node ?? []).some((node) => node.domain === MICROSOFT_DOMAIN && QUANTIZED_OPERATORS.includes(node.opType ?? ""));
}

/** Block size and options of a quantized graph's weights, from its nodes. */
export interface QuantizedGraphScheme {
  scheme: WeightSchemeName;
  blockSize?: number;
  doubleQuant?: boolean;
}

/**
 * Describes the quantized linear nodes of a graph without changing it, and passes each weight as
 * the graph computes with it (`[N, K]` row-major float32) to `inspect`. Quantized codes are read
 * only for `inspect`, one weight at a time.
 * @param externalData reader of the model's data files, needed when tensors are in external data.
 */
export function readQuantizedGraph(graph: onnx.IGraphProto, inspect?: WeightInspector, externalData?: ExternalDataReader): GraphQuantizationResult & QuantizedGraphScheme {
  const index = indexGraph(graph);
  const source: ConstantSource = { index, ...(externalData ? { externalData } : {}) };
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const output of node.output ?? []) producers.set(output, node);
  const tensorRoles = new Map<string, TensorRole>();
  const layers: LinearLayerInfo[] = [];
  const schemeCounts = new Map<WeightSchemeName, number>();
  let blockSize: number | undefined;
  let doubleQuant = false;

  // Tensors read by more than one layer (the shared dynamic map) count in the footprint once and
  // in no layer's stored bytes, as when the graph was written.
  const quantizedNodes = (graph.node ?? []).filter((node) => node.domain === MICROSOFT_DOMAIN && QUANTIZED_OPERATORS.includes(node.opType ?? ""));
  const reads = quantizedNodes.map((node) => readQuantizedNode(node, source, producers, node.name || `${node.opType}:${node.output?.[0] ?? "?"}`));
  const users = new Map<string, number>();
  for (const read of reads) for (const tensorName of read.roles.keys()) users.set(tensorName, (users.get(tensorName) ?? 0) + 1);

  for (const [position, node] of quantizedNodes.entries()) {
    const name = node.name || `${node.opType}:${node.output?.[0] ?? "?"}`;
    const read = reads[position]!;
    for (const [tensorName, role] of read.roles) tensorRoles.set(tensorName, role);
    schemeCounts.set(read.scheme, (schemeCounts.get(read.scheme) ?? 0) + 1);
    blockSize ??= read.blockSize;
    doubleQuant ||= read.doubleQuant;
    const storedBytes = [...read.roles.keys()]
      .filter((tensorName) => users.get(tensorName) === 1)
      .reduce((sum, tensorName) => sum + tensorByteLength(index.constants.get(tensorName)?.tensor ?? {}), 0);
    const layer: LinearLayerInfo = {
      name,
      nodeNames: [name],
      weightName: node.input?.[1] ?? "",
      inFeatures: read.inFeatures,
      outFeatures: read.outFeatures,
      scheme: read.scheme,
      fp32Bytes: read.inFeatures * read.outFeatures * 4,
      storedBytes,
    };
    layers.push(layer);
    if (inspect) {
      const values = read.dequantize();
      inspect(layer, values, values);
    }
  }

  // Initializers declared as graph inputs keep onnxruntime from folding them; callers do not feed them.
  const initializerNames = new Set((graph.initializer ?? []).map((tensor) => tensor.name ?? ""));
  const overridableInputs = (graph.input ?? []).map((input) => input.name ?? "").filter((name) => initializerNames.has(name));
  // The model's scheme is the one most of its quantized weights use.
  let scheme: WeightSchemeName = "fp32";
  for (const [candidate, count] of schemeCounts) if (count > (schemeCounts.get(scheme) ?? 0)) scheme = candidate;
  return {
    layers,
    skipped: [],
    tensorRoles,
    overridableInputs,
    scheme,
    ...(blockSize !== undefined ? { blockSize } : {}),
    ...(doubleQuant ? { doubleQuant } : {}),
  };
}

interface QuantizedNodeRead {
  scheme: WeightSchemeName;
  inFeatures: number;
  outFeatures: number;
  blockSize?: number;
  doubleQuant: boolean;
  roles: Map<string, TensorRole>;
  dequantize(): Float32Array;
}

/** The graph's constants and the reader of its external data files. */
interface ConstantSource {
  index: GraphIndex;
  externalData?: ExternalDataReader;
}

function readQuantizedNode(node: onnx.INodeProto, source: ConstantSource, producers: Map<string, onnx.INodeProto>, name: string): QuantizedNodeRead {
  const attribute = (key: string) => int64ToNumber(findAttribute(node, key)?.i as Int64 | undefined);
  const inputs = node.input ?? [];
  const roles = new Map<string, TensorRole>([[inputs[1] ?? "", "quantized-weight"]]);

  if (node.opType === "MatMulBnb4") {
    const k = attribute("K");
    const n = attribute("N");
    const blockSize = attribute("block_size");
    const type: FourBitType = attribute("quant_type") === 0 ? "fp4" : "nf4";
    const packed = byteTensorOf(source.index, inputs[1]!, name);
    const absmax = readAbsmax(source, producers, inputs[2]!, roles, name);
    return {
      scheme: type,
      inFeatures: k,
      outFeatures: n,
      blockSize,
      doubleQuant: absmax.doubleQuant,
      roles,
      dequantize: () => dequantize4bit({ type, blockSize, length: k * n, packed: readBytes(source, packed), absmax: absmax.values }),
    };
  }

  if (node.opType === "MatMulNBits") {
    const k = attribute("K");
    const n = attribute("N");
    const blockSize = attribute("block_size");
    if (attribute("bits") !== 4) throw new RangeError(`${name}: MatMulNBits with ${attribute("bits")} bits is not supported; dnaquant reads 4-bit weights.`);
    const scales = floatsOf(source, inputs[2]!, name);
    roles.set(inputs[2]!, "quantization-metadata");
    const zeroPoints = inputs[3] ? bytesOf(source, inputs[3], name) : undefined;
    if (inputs[3]) roles.set(inputs[3], "quantization-metadata");
    const packed = byteTensorOf(source.index, inputs[1]!, name);
    return {
      scheme: "int4",
      inFeatures: k,
      outFeatures: n,
      blockSize,
      doubleQuant: false,
      roles,
      dequantize: () => dequantizeInt4({ rows: n, cols: k, blockSize, symmetric: !zeroPoints, packed: readBytes(source, packed), scales, ...(zeroPoints ? { zeroPoints } : {}) }),
    };
  }

  // DynamicQuantizeMatMul: B int8 or uint8 [K, N], b_scale scalar or [N], optional zero point.
  const weight = byteTensorOf(source.index, inputs[1]!, name);
  const [k = 0, n = 0] = tensorDims(weight);
  const signed = weight.dataType === ONNX_DATA_TYPE.INT8;
  const scales = floatsOf(source, inputs[2]!, name);
  roles.set(inputs[2]!, "quantization-metadata");
  const zeroPoints = inputs[3] ? bytesOf(source, inputs[3], name) : undefined;
  if (inputs[3]) roles.set(inputs[3], "quantization-metadata");
  return {
    scheme: "int8",
    inFeatures: k,
    outFeatures: n,
    doubleQuant: false,
    roles,
    dequantize: () => {
      // Codes are [K, N]; the result is [N, K] like every other scheme's.
      const codes = readBytes(source, weight);
      const out = new Float32Array(k * n);
      for (let row = 0; row < k; row++) {
        for (let col = 0; col < n; col++) {
          const raw = codes[row * n + col]!;
          const code = signed ? (raw << 24) >> 24 : raw;
          let zero = 0;
          if (zeroPoints) {
            const rawZero = zeroPoints[zeroPoints.length === 1 ? 0 : col]!;
            zero = signed ? (rawZero << 24) >> 24 : rawZero;
          }
          out[col * k + row] = (code - zero) * scales[scales.length === 1 ? 0 : col]!;
        }
      }
      return out;
    },
  };
}

/**
 * Reads MatMulBnb4's absmax input: an initializer, or the double-quantization chain
 * `Add(Slice(Reshape(Mul(Reshape(Gather(map, Cast(codes))), absmax2))), offset)` that dnaquant writes.
 */
function readAbsmax(
  source: ConstantSource,
  producers: Map<string, onnx.INodeProto>,
  name: string,
  roles: Map<string, TensorRole>,
  nodeName: string,
): { values: Float32Array; doubleQuant: boolean } {
  if (source.index.constants.has(name)) {
    roles.set(name, "quantization-metadata");
    return { values: floatsOf(source, name, nodeName), doubleQuant: false };
  }
  const chain = (value: string, opType: string) => {
    const producer = producers.get(value);
    if (!producer || producer.opType !== opType) {
      throw new Error(`${nodeName}: its absmax input "${value}" is neither an initializer nor the double-quantization pattern dnaquant writes (expected ${opType}).`);
    }
    return producer;
  };
  const add = chain(name, "Add");
  const slice = chain(add.input![0]!, "Slice");
  const flat = chain(slice.input![0]!, "Reshape");
  const mul = chain(flat.input![0]!, "Mul");
  const grouped = chain(mul.input![0]!, "Reshape");
  const gather = chain(grouped.input![0]!, "Gather");
  const cast = chain(gather.input![1]!, "Cast");

  const map = floatsOf(source, gather.input![0]!, nodeName);
  const codes = bytesOf(source, cast.input![0]!, nodeName);
  const absmax2 = floatsOf(source, mul.input![1]!, nodeName);
  const offset = floatsOf(source, add.input![1]!, nodeName)[0]!;
  const length = int64Of(constantOf(source.index, slice.input![2]!, nodeName), source.externalData);
  const groupSize = codes.length / absmax2.length;
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = Math.fround(Math.fround(map[codes[i]!]! * absmax2[Math.floor(i / groupSize)]!) + offset);
  for (const tensor of [cast.input![0]!, gather.input![0]!, mul.input![1]!, add.input![1]!, grouped.input![1]!, flat.input![1]!, slice.input![1]!, slice.input![2]!]) {
    roles.set(tensor, "quantization-metadata");
  }
  return { values, doubleQuant: true };
}

function constantOf(index: GraphIndex, name: string, nodeName: string): onnx.ITensorProto {
  const constant = index.constants.get(name);
  if (!constant) throw new Error(`${nodeName}: input "${name}" is not a constant; a quantized weight and its metadata must be initializers.`);
  return constant.tensor;
}

function copyBytes(raw: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  return bytes;
}

/** Returns a UINT8 or INT8 constant, checking its type. */
function byteTensorOf(index: GraphIndex, name: string, nodeName: string): onnx.ITensorProto {
  const tensor = constantOf(index, name, nodeName);
  if (tensor.dataType !== ONNX_DATA_TYPE.UINT8 && tensor.dataType !== ONNX_DATA_TYPE.INT8) {
    throw new TypeError(`${nodeName}: "${name}" has type ${dataTypeName(tensor.dataType ?? 0)}, expected UINT8 or INT8.`);
  }
  return tensor;
}

/** Reads a UINT8 or INT8 tensor as bytes (two's complement for INT8), from the graph or its external data. */
function readBytes(source: ConstantSource, tensor: onnx.ITensorProto): Uint8Array {
  if (isExternalTensor(tensor)) return requireReader(source, tensor).readBytes(tensor);
  if (tensor.rawData && tensor.rawData.length > 0) return copyBytes(tensor.rawData);
  return Uint8Array.from(tensor.int32Data ?? [], (value) => value & 0xff);
}

/** Reads a UINT8 or INT8 constant as bytes (two's complement for INT8). */
function bytesOf(source: ConstantSource, name: string, nodeName: string): Uint8Array {
  return readBytes(source, byteTensorOf(source.index, name, nodeName));
}

function floatsOf(source: ConstantSource, name: string, nodeName: string): Float32Array {
  return readFloatTensor(constantOf(source.index, name, nodeName), undefined, source.externalData);
}

/** Reads the first value of an INT64 constant. */
function int64Of(tensor: onnx.ITensorProto, externalData?: ExternalDataReader): number {
  const raw = isExternalTensor(tensor) ? requireReader({ externalData }, tensor).readBytes(tensor) : tensor.rawData;
  if (raw && raw.length >= 8) return Number(new BigInt64Array(copyBytes(raw.subarray(0, 8)).buffer)[0]);
  return int64ToNumber((tensor.int64Data ?? [])[0] as Int64 | undefined);
}

function requireReader(source: { externalData?: ExternalDataReader | undefined }, tensor: onnx.ITensorProto): ExternalDataReader {
  if (source.externalData) return source.externalData;
  throw new Error(`Tensor "${tensor.name ?? "(unnamed)"}" is stored in external data; pass readQuantizedGraph an ExternalDataReader for the model file.`);
}
