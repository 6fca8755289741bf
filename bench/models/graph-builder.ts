/**
 * A small builder of ONNX graphs for the model generators: nodes with generated names, inline
 * constants, and weights that go to the graph or, tensor by tensor, to external data files.
 * The generators import the library's sources, so they run without a build.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { ExternalDataWriter, makeTensor, onnx, ONNX_DATA_TYPE, setExternalData } from "../../kernel/src/onnx";

/** An attribute value: int, float, string, ints or floats. */
export type AttributeValue = number | string | readonly number[] | { floats: readonly number[] } | { float: number };

/** Files and figures of a generated model. */
export interface GeneratedModel {
  directory: string;
  onnxPath: string;
  parameters: number;
  /** Bytes of the .onnx file. */
  graphBytes: number;
  /** Bytes of the external data files (0 for inline weights). */
  dataBytes: number;
  seconds: number;
}

/** Storage of a generated model's weights: in the graph, in one data file, or one data file per layer. */
export type WeightStorage = "inline" | "external" | "external-per-layer";

/** Weight storage choices, for command-line checks. */
export const WEIGHT_STORAGES: readonly WeightStorage[] = Object.freeze(["inline", "external", "external-per-layer"]);

/**
 * Receives the weights of a model as they are generated. With external data, each weight is
 * written to its file at once, so that the generator keeps one weight in memory at a time.
 */
export class WeightSink {
  private readonly writers = new Map<string, ExternalDataWriter>();

  /**
   * @param directory the model's folder.
   * @param onnxFile the .onnx file name inside `directory`; a single data file is named
   *   `<onnxFile>_data`, per-layer files `weights/<group>.bin`.
   */
  constructor(
    private readonly storage: WeightStorage,
    private readonly directory: string,
    private readonly onnxFile: string,
  ) {}

  /**
   * Returns a FLOAT tensor for `values`: inline, or written to the data file of `group` (a layer
   * name, or "shared" for weights outside the layers).
   */
  add(name: string, dims: readonly number[], values: Float32Array, group: string): onnx.TensorProto {
    const tensor = makeTensor(name, ONNX_DATA_TYPE.FLOAT, dims, values);
    if (this.storage === "inline") return tensor;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    setExternalData(tensor, this.writer(group).append(bytes));
    return tensor;
  }

  /** Closes every data file and returns their sizes in bytes. */
  close(): number {
    let bytes = 0;
    for (const writer of this.writers.values()) {
      writer.close();
      bytes += writer.byteLength;
    }
    return bytes;
  }

  private writer(group: string): ExternalDataWriter {
    const location = this.storage === "external" ? `${this.onnxFile}_data` : `weights/${group}.bin`;
    let writer = this.writers.get(location);
    if (!writer) {
      const file = path.join(this.directory, location);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writer = new ExternalDataWriter(file, location);
      this.writers.set(location, writer);
    }
    return writer;
  }
}

/** Builds the node list, initializers and interface of one graph. */
export class GraphBuilder {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];
  readonly inputs: onnx.ValueInfoProto[] = [];
  readonly outputs: onnx.ValueInfoProto[] = [];
  private readonly counts = new Map<string, number>();
  private readonly constants = new Map<string, string>();

  constructor(readonly sink: WeightSink) {}

  /**
   * Adds a node and returns the name of its first output. `scope` prefixes the node name, as
   * PyTorch exports name nodes (`/layers.0/attn/MatMul`).
   */
  op(opType: string, inputs: readonly string[], scope: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.opOutputs(opType, inputs, scope, attributes, 1)[0]!;
  }

  /** Adds a node with `outputCount` outputs and returns their names. */
  opOutputs(opType: string, inputs: readonly string[], scope: string, attributes: Record<string, AttributeValue>, outputCount: number): string[] {
    const name = this.uniqueName(`${scope}/${opType}`);
    const output = Array.from({ length: outputCount }, (_, i) => `${name}_output_${i}`);
    this.nodes.push(
      onnx.NodeProto.create({
        name,
        opType,
        input: [...inputs],
        output,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return output;
  }

  /** Returns the name of an INT64 initializer with `values`, shared by every caller. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(ONNX_DATA_TYPE.INT64, dims, values, () => BigInt64Array.from(values.map(BigInt)));
  }

  /** Returns the name of a small FLOAT initializer with `values`, shared by every caller. */
  float(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(ONNX_DATA_TYPE.FLOAT, dims, values, () => Float32Array.from(values));
  }

  /** Adds a FLOAT initializer that stays in the graph, such as a table of positions. */
  inlineTensor(name: string, dims: readonly number[], values: Float32Array): string {
    this.initializers.push(makeTensor(name, ONNX_DATA_TYPE.FLOAT, dims, values));
    return name;
  }

  /** Adds a weight through the sink (inline or external, as the sink stores it). */
  weight(name: string, dims: readonly number[], values: Float32Array, group: string): string {
    this.initializers.push(this.sink.add(name, dims, values, group));
    return name;
  }

  /** Declares a graph input or output of element type `elemType` with symbolic or fixed dims. */
  value(name: string, elemType: number, dims: readonly (number | string)[]): onnx.ValueInfoProto {
    return onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } } },
    });
  }

  /** Renames the output of the last node that produced `value`, for a graph output. */
  rename(value: string, name: string): string {
    for (const node of this.nodes) {
      node.output = node.output.map((output) => (output === value ? name : output));
      node.input = node.input.map((input) => (input === value ? name : input));
    }
    return name;
  }

  /** Returns the ModelProto. */
  model(name: string, opset: number, docString: string): onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: opset }],
      producerName: "dnaquant-bench",
      docString,
      graph: { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }

  private constant(dataType: number, dims: readonly number[], values: readonly number[], data: () => Float32Array | BigInt64Array): string {
    const key = `${dataType}:${dims.join("x")}:${values.join(",")}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.uniqueName(`const_${dataType === ONNX_DATA_TYPE.INT64 ? "i64" : "f32"}`);
      this.initializers.push(makeTensor(name, dataType, dims, data()));
      this.constants.set(key, name);
    }
    return name;
  }

  private uniqueName(base: string): string {
    const count = this.counts.get(base) ?? 0;
    this.counts.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  }
}

function attribute(name: string, value: AttributeValue): onnx.AttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === "string") return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new TypeError(`Attribute ${name}: ${value} is not an integer; pass { float: ${value} } for a float.`);
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  }
  if ("float" in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  if ("floats" in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...value.floats] });
  return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value] });
}

/** Returns a seed for a tensor from the model seed and the tensor name (FNV-1a). */
export function tensorSeed(modelSeed: number, name: string): number {
  let hash = (0x811c9dc5 ^ modelSeed) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Returns `length` copies of `value`. */
export function filled(length: number, value: number): Float32Array {
  return new Float32Array(length).fill(value);
}

/** Writes `model` as `<directory>/<onnxFile>` and returns its size in bytes. */
export function writeOnnx(model: onnx.ModelProto, directory: string, onnxFile: string): number {
  const bytes = onnx.ModelProto.encode(model).finish();
  fs.writeFileSync(path.join(directory, onnxFile), bytes);
  return bytes.length;
}
