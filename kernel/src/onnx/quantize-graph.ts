/**
 * Quantization of every linear weight of a model in place. Each constant weight is read,
 * quantized for the chosen operator and its nodes rewritten. Its float32 tensor is dropped unless
 * a non-linear node, such as the Gather of tied embeddings, still reads it.
 */

import * as os from "node:os";

import type { FourBitType } from "../quant";
import { sharedWorkerPool, siblingWorkerScript, WorkerPool } from "../workers/worker-pool";
import { isExternalTensor, type ExternalDataReader } from "./external-data";
import { indexGraph } from "./graph-index";
import { LayerScratch, quantizeLayer, type LayerQuantizationRequest, type LayerQuantizationResult } from "./layer-quantization";
import { findLinearWeights, type LinearWeight, type SkippedLinearNode } from "./linear-weights";
import { buildMatMulBnb4 } from "./matmul-bnb4";
import { buildDynamicQuantizeMatMul } from "./matmul-int8";
import { buildMatMulNBits } from "./matmul-nbits";
import type { onnx } from "./proto";
import type { QuantizedWeight, RewriteContext } from "./quantized-weight";
import { ensureOpsetImport, MICROSOFT_DOMAIN, rewriteLinearNode } from "./rewrite-linear";
import { readFloatTensor, sharedFloatBytes, tensorByteLength } from "./tensor";
import { transposeMatrix } from "./transpose";

/**
 * Storage of linear weights: INT8 per output channel (DynamicQuantizeMatMul), NF4 or FP4
 * block-wise (MatMulBnb4), or int4 block-wise along K (MatMulNBits).
 */
export type WeightScheme =
  | { kind: "int8" }
  | { kind: "4bit"; type: FourBitType; blockSize: number; doubleQuant?: boolean }
  | { kind: "int4"; blockSize: number; symmetric: boolean; accuracyLevel: number };

/** Storage scheme name of one weight. */
export type WeightSchemeName = "fp32" | "int8" | FourBitType | "int4";

/** Returns the scheme name of a {@link WeightScheme}. */
export function schemeName(scheme: WeightScheme | null): WeightSchemeName {
  if (scheme === null) return "fp32";
  if (scheme.kind === "4bit") return scheme.type;
  return scheme.kind;
}

/** Purpose of a stored tensor, as the memory footprint counts it. */
export type TensorRole = "quantized-weight" | "quantization-metadata" | "unquantized";

/** One linear weight after loading. */
export interface LinearLayerInfo {
  /** Name of the first node that reads the weight, such as `/layers.0/Wqkv/MatMul`. */
  name: string;
  /** Names of all MatMul or Gemm nodes that read the weight. */
  nodeNames: string[];
  weightName: string;
  inFeatures: number;
  outFeatures: number;
  scheme: WeightSchemeName;
  /** Bytes of the weight in float32. */
  fp32Bytes: number;
  /** Bytes the linear product reads: quantized codes plus metadata, or the float32 tensor. */
  storedBytes: number;
  /** Whether the float32 tensor stays in the graph because a non-linear node reads it. */
  fp32KeptFor?: string[];
  /** Why the weight stays in float32 in a quantized model, such as a `skipModules` match. */
  fp32Reason?: string;
}

/** Result of {@link quantizeLinearWeights}. */
export interface GraphQuantizationResult {
  layers: LinearLayerInfo[];
  skipped: SkippedLinearNode[];
  /** Role of every tensor the rewrite created; all other tensors are unquantized. */
  tensorRoles: Map<string, TensorRole>;
  /** Stored tensors declared as graph inputs; callers do not feed them. */
  overridableInputs: string[];
}

/**
 * Receives each linear weight as the model computes with it (`stored`, dequantized when
 * quantized) and as it was in the file (`original`), both `[N, K]` row-major float32 and the same
 * array for fp32. The arrays are released after the call returns.
 */
export type WeightInspector = (layer: LinearLayerInfo, stored: Float32Array, original: Float32Array) => void;

/** Options of {@link quantizeLinearWeights}. */
export interface QuantizeLinearWeightsOptions {
  /**
   * Worker threads that quantize layers in parallel; 0 quantizes on the calling thread. Default:
   * one per core, at most {@link MAX_QUANTIZATION_WORKERS}, when the graph has more than
   * {@link PARALLEL_QUANTIZATION_MIN_LAYERS} linear weights holding at least
   * {@link PARALLEL_QUANTIZATION_MIN_VALUES} values; otherwise 0.
   */
  workers?: number;
  /**
   * Returns a reason to keep a weight in float32 (such as a `skipModules` match), or undefined to
   * quantize it. Kept weights are reported in the result's `skipped` list.
   */
  keepInFloat32?: (weight: LinearWeight) => string | undefined;
  /**
   * Reader of the model's external data files. Required when a linear weight is stored in
   * external data: each such weight is read from its file by the thread that quantizes it, one
   * weight at a time, so the float32 model is never in memory as a whole.
   */
  externalData?: ExternalDataReader;
}

/** Linear weight count above which {@link quantizeLinearWeights} uses worker threads by default. */
export const PARALLEL_QUANTIZATION_MIN_LAYERS = 4;

/**
 * Total linear weight values (2^25, 128 MiB of float32) from which {@link quantizeLinearWeights}
 * uses worker threads by default. Starting workers and compiling their code costs 55 to 70 ms,
 * about what the calling thread needs for 2^23 values. Two workers on two cores therefore win
 * clearly only from a few times that (measured with Node 20 on an AMD EPYC with
 * bench/quantize-throughput.ts).
 */
export const PARALLEL_QUANTIZATION_MIN_VALUES = 2 ** 25;

/** Default maximum of worker threads for {@link quantizeLinearWeights}. */
export const MAX_QUANTIZATION_WORKERS = 4;

/**
 * Largest float32 weight, in bytes (32 MiB), for which {@link quantizeLinearWeights} uses the
 * shared pool of warm workers. Each worker keeps up to two working copies of the largest weight
 * it has seen. A model with larger weights therefore gets workers of its own, which stop when
 * the call ends, so their memory is free before onnxruntime copies the quantized weights.
 */
export const WARM_WORKER_MAX_WEIGHT_BYTES = 32 * 2 ** 20;

/**
 * Quantizes the linear weights of `model` in place with `scheme`, or only inspects them when
 * `scheme` is null.
 *
 * With worker threads, each layer's float32 weight goes to a free worker, which returns the
 * quantized arrays. A model decoded from `readModelBytes` keeps its bytes in shared memory, where
 * the worker reads the weight. For other models this thread copies the weight and transfers the
 * copy. Each worker has one layer at a time, and the graph rewrite takes the finished layers in
 * graph order. The rewritten model is therefore byte for byte the one the calling thread
 * produces, and `inspect` receives the layers in the same order. A weight in external data is read
 * from its file by the thread that quantizes it.
 *
 * @param inspect called once per linear weight, in graph order; see {@link WeightInspector}.
 * @throws RangeError naming the tensor for a non-finite weight value, or for an invalid `workers`.
 */
export async function quantizeLinearWeights(
  model: onnx.IModelProto,
  scheme: WeightScheme | null,
  inspect?: WeightInspector,
  options: QuantizeLinearWeightsOptions = {},
): Promise<GraphQuantizationResult> {
  const graph = model.graph!;
  graph.initializer ??= [];
  graph.input ??= [];
  const index = indexGraph(graph);
  const found = findLinearWeights(graph, index);
  const skipped = [...found.skipped];
  const rewrite = new GraphRewrite(graph, inspect, options.externalData);
  if (!scheme) {
    for (const weight of found.weights) rewrite.inspectOnly(weight);
    return rewrite.finish(model, false, skipped);
  }

  // Weights the caller keeps in float32 are inspected as they are and reported with the reason.
  const weights: LinearWeight[] = [];
  for (const weight of found.weights) {
    const reason = options.keepInFloat32?.(weight);
    if (reason === undefined) {
      weights.push(weight);
      continue;
    }
    rewrite.inspectOnly(weight, reason);
    skipped.push({ name: weight.nodes[0]!.name, reason });
  }

  // Quantize each weight, on this thread or in workers, and rewrite its nodes in graph order.
  // Weights in shared memory go as they are, and weights in external data as their place in the
  // file. Others are copied into memory that earlier layers gave back.
  const workerCount = resolveWorkerCount(options.workers, weights);
  const spentBuffers = new SpentBuffers(2 * Math.max(1, workerCount));
  const request = (weight: LinearWeight): LayerQuantizationRequest => {
    const { tensor } = weight.constant;
    const stored = isExternalTensor(tensor)
      ? requireReader(options.externalData, weight).locate(tensor)
      : (sharedFloatBytes(tensor) ?? readFloatTensor(tensor, spentBuffers.take(tensorByteLength(tensor) + 8)));
    return {
      name: weight.weightName,
      stored,
      storedOutIn: weight.storedOutIn,
      inFeatures: weight.inFeatures,
      outFeatures: weight.outFeatures,
      scheme,
      inspect: inspect !== undefined,
    };
  };
  const apply = (weight: LinearWeight, result: LayerQuantizationResult) => {
    rewrite.applyQuantized(weight, scheme, result);
    if (result.spent) spentBuffers.give(result.spent.buffer as ArrayBuffer);
  };
  if (workerCount === 0) {
    const scratch = new LayerScratch();
    for (const weight of weights) apply(weight, quantizeLayer(request(weight), scratch));
  } else {
    await quantizeInWorkers(weights, workerCount, request, apply);
  }
  return rewrite.finish(model, weights.length > 0, skipped);
}

/**
 * Buffers of weights already quantized, kept to copy later weights into: fresh memory costs a
 * page fault per 4 KiB on first touch, on the thread that feeds every worker.
 */
class SpentBuffers {
  private readonly buffers: ArrayBuffer[] = [];

  /** @param capacity buffers kept; the smallest go first. */
  constructor(private readonly capacity: number) {}

  /** Removes and returns the smallest buffer of at least `byteLength` bytes, if any. */
  take(byteLength: number): ArrayBuffer | undefined {
    let best = -1;
    this.buffers.forEach((buffer, i) => {
      if (buffer.byteLength >= byteLength && (best < 0 || buffer.byteLength < this.buffers[best]!.byteLength)) best = i;
    });
    return best < 0 ? undefined : this.buffers.splice(best, 1)[0];
  }

  give(buffer: ArrayBuffer): void {
    this.buffers.push(buffer);
    this.buffers.sort((a, b) => b.byteLength - a.byteLength);
    this.buffers.length = Math.min(this.buffers.length, this.capacity);
  }
}

/** Returns the reader of external data files, or throws naming the weight that needs it. */
function requireReader(reader: ExternalDataReader | undefined, weight: LinearWeight): ExternalDataReader {
  if (reader) return reader;
  throw new Error(`Weight "${weight.weightName}" is stored in external data; pass options.externalData, an ExternalDataReader for the model file.`);
}

function resolveWorkerCount(workers: number | undefined, weights: LinearWeight[]): number {
  if (workers !== undefined) {
    if (!Number.isInteger(workers) || workers < 0) {
      throw new RangeError(`workers must be a non-negative integer (0 quantizes on the calling thread), got ${String(workers)}.`);
    }
    return workers;
  }
  const values = weights.reduce((sum, weight) => sum + weight.inFeatures * weight.outFeatures, 0);
  if (weights.length <= PARALLEL_QUANTIZATION_MIN_LAYERS || values < PARALLEL_QUANTIZATION_MIN_VALUES) return 0;
  return Math.min(MAX_QUANTIZATION_WORKERS, os.availableParallelism());
}

/**
 * Quantizes `weights` in a pool of `workerCount` workers, the shared warm one unless a weight
 * exceeds {@link WARM_WORKER_MAX_WEIGHT_BYTES}, and hands each result to `apply` in the order of
 * `weights`. Layer i is dispatched only while i < (layers applied) +
 * 2 * workerCount: at most `2 * workerCount` layers are dispatched and not yet applied, at most
 * `workerCount` of them in workers. The slack lets a worker go on while a larger layer ahead of
 * it finishes. After the first error no layer is dispatched or applied, and the call rejects
 * with that error once the layers in workers have come back.
 */
async function quantizeInWorkers(
  weights: LinearWeight[],
  workerCount: number,
  request: (weight: LinearWeight) => LayerQuantizationRequest,
  apply: (weight: LinearWeight, result: LayerQuantizationResult) => void,
): Promise<void> {
  const script = siblingWorkerScript(__filename, "quantize-worker");
  const largestBytes = weights.reduce((largest, weight) => Math.max(largest, 4 * weight.inFeatures * weight.outFeatures), 0);
  const ownPool = largestBytes > WARM_WORKER_MAX_WEIGHT_BYTES;
  const pool = ownPool
    ? new WorkerPool<LayerQuantizationRequest, LayerQuantizationResult>(script, workerCount)
    : sharedWorkerPool<LayerQuantizationRequest, LayerQuantizationResult>(script, workerCount);
  const window = 2 * workerCount;
  const finished = new Map<number, LayerQuantizationResult>();
  let nextToDispatch = 0;
  let nextToApply = 0;
  let firstError: { error: unknown } | undefined;
  let wakeWaiting: (() => void)[] = [];
  const wakeAll = () => {
    const waiting = wakeWaiting;
    wakeWaiting = [];
    for (const wake of waiting) wake();
  };

  // Each lane keeps one layer in one worker. A lane whose next layer is outside the window waits
  // until the first unapplied layer is applied, and another lane always has that one in progress.
  const lane = async (): Promise<void> => {
    while (nextToDispatch < weights.length && !firstError) {
      if (nextToDispatch >= nextToApply + window) {
        await new Promise<void>((resolve) => wakeWaiting.push(resolve));
        continue;
      }
      const index = nextToDispatch++;
      try {
        const layerRequest = request(weights[index]!);
        const { stored } = layerRequest;
        const transfer = stored instanceof Float32Array ? [stored.buffer as ArrayBuffer] : [];
        finished.set(index, await pool.run(layerRequest, transfer));
        while (!firstError && finished.has(nextToApply)) {
          const result = finished.get(nextToApply)!;
          finished.delete(nextToApply);
          apply(weights[nextToApply]!, result);
          nextToApply++;
        }
      } catch (error) {
        firstError ??= { error };
      }
      wakeAll();
    }
  };
  await Promise.all(Array.from({ length: workerCount }, lane));
  if (ownPool) await pool.close();
  if (firstError) throw firstError.error;
}

/** The rewrite of one graph: names, shared tensors, layer records and the tensors to drop. */
class GraphRewrite {
  readonly layers: LinearLayerInfo[] = [];
  private readonly sharedTensors = new Map<string, onnx.TensorProto>();
  private readonly tensorRoles = new Map<string, TensorRole>();
  private readonly overridableInputs: string[] = [];
  private readonly removedConstants = new Set<string>();
  private readonly uniqueName: (base: string) => string;
  private readonly context: RewriteContext;

  constructor(
    private readonly graph: onnx.IGraphProto,
    private readonly inspect: WeightInspector | undefined,
    private readonly externalData: ExternalDataReader | undefined,
  ) {
    const uniqueName = uniqueNameFactory(graph);
    this.uniqueName = uniqueName;
    this.context = {
      uniqueName,
      sharedTensor: (key, create) => {
        let tensor = this.sharedTensors.get(key);
        if (!tensor) {
          tensor = create(uniqueName(`dnaquant_${key.replace(/-/g, "_")}`));
          this.sharedTensors.set(key, tensor);
        }
        return tensor.name;
      },
    };
  }

  /** Records a weight left in float32 and shows it to the inspector. */
  inspectOnly(weight: LinearWeight, fp32Reason?: string): void {
    const layer = describeLayer(weight);
    if (fp32Reason !== undefined) layer.fp32Reason = fp32Reason;
    if (this.inspect) {
      const valuesOutIn = readWeightOutIn(weight, this.externalData);
      this.inspect(layer, valuesOutIn, valuesOutIn);
    }
    this.layers.push(layer);
  }

  /** Adds a quantized weight to the graph, rewrites the nodes that read it and records the layer. */
  applyQuantized(weight: LinearWeight, scheme: WeightScheme, result: LayerQuantizationResult): void {
    const { graph } = this;
    const layer = describeLayer(weight);

    // Quantized once, however many nodes share the weight.
    const quantized = this.buildQuantizedWeight(weight, scheme, result);
    graph.initializer!.push(quantized.weightTensor, ...quantized.metadataTensors);
    this.tensorRoles.set(quantized.weightTensor.name, "quantized-weight");
    for (const tensor of quantized.metadataTensors) this.tensorRoles.set(tensor.name, "quantization-metadata");
    if (quantized.preludeNodes) {
      const firstUser = graph.node!.indexOf(weight.nodes[0]!.node);
      graph.node!.splice(firstUser, 0, ...quantized.preludeNodes);
    }
    for (const input of quantized.overridableInputs ?? []) {
      graph.input!.push(input);
      this.overridableInputs.push(input.name);
    }
    for (const linear of weight.nodes) {
      const { initializers } = rewriteLinearNode(graph, linear, quantized.op, this.uniqueName);
      graph.initializer!.push(...initializers);
    }

    // Drop the float32 weight unless another node still reads it.
    if (weight.otherConsumers.length === 0) {
      this.removedConstants.add(weight.weightName);
    } else {
      layer.fp32KeptFor = weight.otherConsumers.map((node) => node.name || node.opType || "?");
    }
    layer.scheme = schemeName(scheme);
    layer.storedBytes = [quantized.weightTensor, ...quantized.metadataTensors].reduce((sum, tensor) => sum + tensorByteLength(tensor), 0);
    if (this.inspect) {
      // Requests made with an inspector return both arrays; the fallbacks only guard the types.
      this.inspect(layer, result.dequantized ?? quantized.dequantize(), result.original ?? readWeightOutIn(weight, this.externalData));
    }
    this.layers.push(layer);
  }

  /** Adds the shared tensors, drops the float32 weights and returns the result. */
  finish(model: onnx.IModelProto, quantized: boolean, skipped: SkippedLinearNode[]): GraphQuantizationResult {
    const { graph } = this;
    for (const tensor of this.sharedTensors.values()) {
      graph.initializer!.push(tensor);
      this.tensorRoles.set(tensor.name, "quantization-metadata");
    }
    if (quantized) ensureOpsetImport(model, MICROSOFT_DOMAIN, 1);
    graph.initializer = graph.initializer!.filter((tensor) => !this.removedConstants.has(tensor.name ?? ""));
    graph.node = graph.node!.filter((node) => !(node.opType === "Constant" && this.removedConstants.has(node.output?.[0] ?? "")));
    // Layers kept in float32 were recorded first; report every layer in graph order.
    const order = new Map((graph.node ?? []).map((node, position) => [node.name ?? "", position]));
    const layers = [...this.layers].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
    return { layers, skipped, tensorRoles: this.tensorRoles, overridableInputs: this.overridableInputs };
  }

  /** Names the tensors of a quantized weight, in the order the names have always been taken. */
  private buildQuantizedWeight(weight: LinearWeight, scheme: WeightScheme, result: LayerQuantizationResult): QuantizedWeight {
    const { uniqueName } = this;
    const { weightName, inFeatures, outFeatures } = weight;
    const { arrays } = result;
    if (arrays.kind === "int8") {
      const names = { codes: uniqueName(`${weightName}_int8`), scales: uniqueName(`${weightName}_scale`) };
      return buildDynamicQuantizeMatMul(arrays.codesInOut, arrays.scales, outFeatures, inFeatures, names);
    }
    if (arrays.kind === "int4" && scheme.kind === "int4") {
      const names = { codes: uniqueName(`${weightName}_int4`), scales: uniqueName(`${weightName}_scales`), zeroPoints: uniqueName(`${weightName}_zero_points`) };
      return buildMatMulNBits(arrays.tensor, scheme, names);
    }
    if (arrays.kind === "4bit") return buildMatMulBnb4(arrays.tensor, outFeatures, inFeatures, weightName, this.context);
    throw new TypeError(`Quantized arrays of kind "${arrays.kind}" do not match scheme "${scheme.kind}" for weight "${weightName}".`);
  }
}

/** Returns the record of a weight still in float32. */
function describeLayer(weight: LinearWeight): LinearLayerInfo {
  const fp32Bytes = tensorByteLength(weight.constant.tensor);
  return {
    name: weight.nodes[0]!.name,
    nodeNames: weight.nodes.map((linear) => linear.name),
    weightName: weight.weightName,
    inFeatures: weight.inFeatures,
    outFeatures: weight.outFeatures,
    scheme: "fp32",
    fp32Bytes,
    storedBytes: fp32Bytes,
  };
}

/**
 * Reads a weight as `[N, K]` row-major float32, transposing a `[K, N]` MatMul weight.
 * @param externalData reader of the model's data files, needed for a weight in external data.
 */
export function readWeightOutIn(weight: LinearWeight, externalData?: ExternalDataReader): Float32Array {
  const stored = readFloatTensor(weight.constant.tensor, undefined, externalData);
  if (weight.storedOutIn) return stored;
  return transposeMatrix(stored, weight.inFeatures, weight.outFeatures, new Float32Array(stored.length));
}

/** Returns a function that makes names unique among the graph's values and initializers. */
function uniqueNameFactory(graph: onnx.IGraphProto): (base: string) => string {
  const taken = new Set<string>();
  for (const tensor of graph.initializer ?? []) taken.add(tensor.name ?? "");
  for (const node of graph.node ?? []) {
    taken.add(node.name ?? "");
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) taken.add(name);
  }
  for (const value of [...(graph.input ?? []), ...(graph.output ?? [])]) taken.add(value.name ?? "");
  return (base: string) => {
    let name = base;
    for (let suffix = 1; taken.has(name); suffix++) name = `${base}_${suffix}`;
    taken.add(name);
    return name;
  };
}
