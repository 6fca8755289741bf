/**
 * Graph shapes that exporters produce around linear weights: Constant-node weights, weights
 * shared by several nodes or by a Gather, [1, K, N] weights, weights read inside subgraphs, and
 * opsets 11 to 21.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import * as ort from "onnxruntime-node";

import { loadModel } from "../../../kernel/src";
import { encodeModel, makeTensor, onnx, ONNX_DATA_TYPE, quantizeLinearWeights, type WeightScheme } from "../../../kernel/src/onnx";
import { standardNormal } from "../../helpers/random";

const FLOAT = ONNX_DATA_TYPE.FLOAT;
const NF4: WeightScheme = { kind: "4bit", type: "nf4", blockSize: 64 };

/** Relative error (max |a - b| / max |b|) allowed for NF4 weights against float32 on these random layers. */
const NF4_OUTPUT_BOUND = 0.25;

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } } },
  };
}

function model(graph: onnx.IGraphProto, opset = 17): onnx.ModelProto {
  const irVersion = opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : opset >= 13 ? 7 : 6;
  return onnx.ModelProto.create({ irVersion, opsetImport: [{ domain: "", version: opset }], producerName: "dnaquant-tests", graph });
}

function weight(name: string, dims: number[], seed: number): onnx.TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  return makeTensor(name, FLOAT, dims, standardNormal(count, seed).map((value) => value * 0.05));
}

async function run(proto: onnx.IModelProto, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(proto));
  const outputs = await session.run(feeds);
  await session.release();
  return outputs[session.outputNames[0]!]!.data as Float32Array;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let scale = 0;
  expected.forEach((value, i) => {
    error = Math.max(error, Math.abs(actual[i]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return error / scale;
}

/** Builds the graph twice (float32 and quantized with `scheme`) and compares outputs on `feeds`. */
async function compareQuantized(build: () => onnx.ModelProto, scheme: WeightScheme, feeds: Record<string, ort.Tensor>) {
  const reference = await run(build(), feeds);
  const quantized = build();
  const result = await quantizeLinearWeights(quantized, scheme);
  const actual = await run(quantized, feeds);
  return { result, quantized, error: relativeError(actual, reference) };
}

const x = (rows: number, cols: number, seed = 3) => new ort.Tensor("float32", standardNormal(rows * cols, seed), [rows, cols]);

describe("linear weights in exported graphs", () => {
  it("quantizes a Constant-node weight and drops the node", async () => {
    const build = () =>
      model({
        name: "constant",
        node: [
          { name: "weight", opType: "Constant", output: ["W"], attribute: [{ name: "value", type: onnx.AttributeProto.AttributeType.TENSOR, t: weight("W", [128, 64], 1) }] },
          { name: "linear", opType: "MatMul", input: ["X", "W"], output: ["Y"] },
        ],
        input: [valueInfo("X", FLOAT, ["batch", 128])],
        output: [valueInfo("Y", FLOAT, ["batch", 64])],
      });
    const { result, quantized, error } = await compareQuantized(build, NF4, { X: x(5, 128) });
    assert.equal(result.layers.length, 1);
    assert.equal(quantized.graph!.node!.some((node) => node.opType === "Constant"), false, "the Constant node is removed");
    assert.ok(error < NF4_OUTPUT_BOUND, `error ${error}`);
  });

  it("quantizes a weight shared by two MatMuls once", async () => {
    const build = () =>
      model({
        name: "shared",
        node: [
          { name: "first", opType: "MatMul", input: ["X", "W"], output: ["H"] },
          { name: "act", opType: "Relu", input: ["H"], output: ["R"] },
          { name: "second", opType: "MatMul", input: ["R", "W"], output: ["Y"] },
        ],
        initializer: [weight("W", [64, 64], 2)],
        input: [valueInfo("X", FLOAT, ["batch", 64])],
        output: [valueInfo("Y", FLOAT, ["batch", 64])],
      });
    const { result, quantized, error } = await compareQuantized(build, NF4, { X: x(4, 64) });
    assert.equal(result.layers.length, 1);
    assert.deepEqual(result.layers[0]!.nodeNames, ["first", "second"]);
    assert.equal(quantized.graph!.node!.filter((node) => node.opType === "MatMulBnb4").length, 2);
    assert.equal(quantized.graph!.initializer!.filter((tensor) => tensor.name!.startsWith("W_nf4")).length, 1, "one quantized tensor");
    assert.ok(error < NF4_OUTPUT_BOUND, `error ${error}`);
  });

  it("keeps a weight that a Gather also reads", async () => {
    // Tied embeddings: Gather(W [V, H], ids) feeds Gemm(h, W, transB=1), the decoder.
    const build = () =>
      model({
        name: "tied",
        node: [
          { name: "embed", opType: "Gather", input: ["W", "ids"], output: ["H"] },
          { name: "decoder", opType: "Gemm", input: ["H", "W"], output: ["Y"], attribute: [{ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        ],
        initializer: [weight("W", [96, 64], 3)],
        input: [valueInfo("ids", ONNX_DATA_TYPE.INT64, ["tokens"])],
        output: [valueInfo("Y", FLOAT, ["tokens", 96])],
      });
    const ids = new ort.Tensor("int64", BigInt64Array.from([1n, 5n, 7n, 95n]), [4]);
    const { result, quantized, error } = await compareQuantized(build, NF4, { ids });
    assert.deepEqual(result.layers[0]!.fp32KeptFor, ["embed"]);
    const names = quantized.graph!.initializer!.map((tensor) => tensor.name);
    assert.ok(names.includes("W"), "the Gather still reads the float32 table");
    assert.ok(names.includes("W_nf4"), "the decoder reads the quantized copy");
    assert.ok(error < NF4_OUTPUT_BOUND, `error ${error}`);
  });

  it("quantizes a [1, K, N] MatMul weight", async () => {
    const build = () =>
      model({
        name: "rank3",
        node: [{ name: "linear", opType: "MatMul", input: ["X", "W"], output: ["Y"] }],
        initializer: [weight("W", [1, 128, 32], 4)],
        input: [valueInfo("X", FLOAT, [1, "tokens", 128])],
        output: [valueInfo("Y", FLOAT, [1, "tokens", 32])],
      });
    const input = new ort.Tensor("float32", standardNormal(6 * 128, 5), [1, 6, 128]);
    const { result, error } = await compareQuantized(build, { kind: "int8" }, { X: input });
    assert.equal(result.layers.length, 1);
    assert.equal(result.layers[0]!.inFeatures, 128);
    assert.ok(error < 0.03, `error ${error}`);
  });

  it("leaves weights inside an If subgraph in float32", async () => {
    const branch = (name: string, transform: string): onnx.IGraphProto => ({
      name,
      node: [
        { name: `${name}/MatMul`, opType: "MatMul", input: ["H", "W"], output: [`${name}_out`] },
        { name: `${name}/act`, opType: transform, input: [`${name}_out`], output: [`${name}_y`] },
      ],
      output: [valueInfo(`${name}_y`, FLOAT, ["batch", 64])],
    });
    const build = () =>
      model({
        name: "subgraph",
        node: [
          { name: "linear", opType: "MatMul", input: ["X", "W"], output: ["H"] },
          {
            name: "choose",
            opType: "If",
            input: ["flag"],
            output: ["Y"],
            attribute: [
              { name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("then", "Relu") },
              { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("else", "Sigmoid") },
            ],
          },
        ],
        initializer: [weight("W", [64, 64], 6)],
        input: [valueInfo("X", FLOAT, ["batch", 64]), valueInfo("flag", 9, [])],
        output: [valueInfo("Y", FLOAT, ["batch", 64])],
      });
    const flag = new ort.Tensor("bool", [true], []);
    const { result, quantized, error } = await compareQuantized(build, NF4, { X: x(3, 64), flag });
    assert.equal(result.layers.length, 1, "the outer MatMul is quantized");
    assert.deepEqual(
      result.skipped.map((entry) => entry.name),
      ["then/MatMul", "else/MatMul"],
    );
    assert.match(result.skipped[0]!.reason, /inside the then_branch subgraph of If node choose; weights in subgraphs are not quantized/);
    assert.ok(quantized.graph!.initializer!.some((tensor) => tensor.name === "W"), "the subgraphs still read the float32 weight");
    assert.ok(error < NF4_OUTPUT_BOUND, `error ${error}`);
  });
});

describe("opsets 11 to 21", () => {
  const schemes: { label: string; scheme: WeightScheme; bound: number }[] = [
    { label: "int8", scheme: { kind: "int8" }, bound: 0.05 },
    { label: "nf4", scheme: NF4, bound: NF4_OUTPUT_BOUND },
    { label: "nf4 double quant", scheme: { ...NF4, doubleQuant: true }, bound: NF4_OUTPUT_BOUND },
    { label: "int4", scheme: { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 }, bound: NF4_OUTPUT_BOUND },
  ];
  for (const opset of [11, 13, 17, 21]) {
    it(`runs every scheme at opset ${opset}`, async () => {
      const build = () =>
        model(
          {
            name: `mlp${opset}`,
            node: [
              { name: "up", opType: "MatMul", input: ["X", "W1"], output: ["H"] },
              { name: "act", opType: "Relu", input: ["H"], output: ["R"] },
              { name: "down", opType: "Gemm", input: ["R", "W2", "B2"], output: ["Y"], attribute: [{ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
            ],
            initializer: [weight("W1", [128, 256], 7), weight("W2", [64, 256], 8), weight("B2", [64], 9)],
            input: [valueInfo("X", FLOAT, ["batch", 128])],
            output: [valueInfo("Y", FLOAT, ["batch", 64])],
          },
          opset,
        );
      for (const { label, scheme, bound } of schemes) {
        const { result, error } = await compareQuantized(build, scheme, { X: x(4, 128, opset) });
        assert.equal(result.layers.length, 2, `${label}: both weights quantized`);
        assert.ok(error < bound, `opset ${opset} ${label}: error ${error.toFixed(4)} >= ${bound}`);
      }
    });
  }
});

describe("operator domains", () => {
  it("names an unknown operator domain", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-domain-"));
    const file = path.join(directory, "custom.onnx");
    const custom = model({
      name: "custom",
      node: [
        { name: "linear", opType: "MatMul", input: ["X", "W"], output: ["H"] },
        { name: "special", opType: "FancyActivation", domain: "com.example", input: ["H"], output: ["Y"] },
      ],
      initializer: [weight("W", [16, 16], 10)],
      input: [valueInfo("X", FLOAT, ["batch", 16])],
      output: [valueInfo("Y", FLOAT, ["batch", 16])],
    });
    custom.opsetImport!.push({ domain: "com.example", version: 1 });
    fs.writeFileSync(file, encodeModel(custom));
    await assert.rejects(loadModel(file, { loadIn4bit: true }), (error: Error) => {
      assert.match(error.message, /custom\.onnx uses the operator domain "com\.example" \(1 node, first FancyActivation "special"\), which onnxruntime-node cannot run/);
      assert.match(error.message, /Export the model with standard ONNX operators/);
      return true;
    });
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
