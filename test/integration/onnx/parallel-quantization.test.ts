import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import {
  decodeModel,
  encodeModel,
  makeTensor,
  onnx,
  ONNX_DATA_TYPE,
  quantizeLinearWeights,
  readModelBytes,
  type LinearLayerInfo,
  WARM_WORKER_MAX_WEIGHT_BYTES,
  type WeightScheme,
} from "../../../kernel/src/onnx";
import { standardNormal } from "../../helpers/random";

/** Widths of a chain of MatMuls: layer i maps WIDTHS[i] features to WIDTHS[i + 1]. */
const WIDTHS = [64, 96, 160, 64, 128, 96, 64];

/**
 * Builds a graph with a chain of MatMuls (weights `[K, N]`), a Gemm with transB (weight
 * `[N, K]`) and a weight read by two MatMuls, so that every path of the rewrite is taken.
 */
function chainModel(): onnx.ModelProto {
  const initializer: onnx.TensorProto[] = [];
  const node: onnx.INodeProto[] = [];
  let input = "X";
  for (let i = 0; i + 1 < WIDTHS.length; i++) {
    const [k, n] = [WIDTHS[i]!, WIDTHS[i + 1]!];
    initializer.push(makeTensor(`W${i}`, ONNX_DATA_TYPE.FLOAT, [k, n], standardNormal(k * n, 100 + i).map((x) => x * 0.05)));
    node.push({ name: `matmul${i}`, opType: "MatMul", input: [input, `W${i}`], output: [`H${i}`] });
    input = `H${i}`;
  }
  const last = WIDTHS[WIDTHS.length - 1]!;
  initializer.push(makeTensor("G", ONNX_DATA_TYPE.FLOAT, [48, last], standardNormal(48 * last, 200).map((x) => x * 0.05)));
  node.push({
    name: "gemm",
    opType: "Gemm",
    input: [input, "G"],
    output: ["Z"],
    attribute: [{ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
  });
  initializer.push(makeTensor("S", ONNX_DATA_TYPE.FLOAT, [48, 48], standardNormal(48 * 48, 300).map((x) => x * 0.05)));
  node.push({ name: "shared0", opType: "MatMul", input: ["Z", "S"], output: ["Y0"] });
  node.push({ name: "shared1", opType: "MatMul", input: ["Y0", "S"], output: ["Y"] });

  const valueInfo = (name: string, width: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: ONNX_DATA_TYPE.FLOAT, shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] } } },
    });
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "dnaquant-tests",
    graph: { name: "chain", node, initializer, input: [valueInfo("X", WIDTHS[0]!)], output: [valueInfo("Y", 48)] },
  });
}

interface Inspection {
  layer: LinearLayerInfo;
  stored: Float32Array;
  original: Float32Array;
}

/**
 * Returns the chain model decoded from a file read by readModelBytes, so that its raw data are
 * views of shared memory.
 */
function sharedChainModel(): onnx.ModelProto {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-parallel-"));
  try {
    const file = path.join(directory, "chain.onnx");
    fs.writeFileSync(file, encodeModel(chainModel()));
    return decodeModel(readModelBytes(file), file);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Quantizes a fresh chain model and returns its bytes, the result and every inspector call. An
 * inspector changes the path, because it keeps the originals and requests dequantized copies.
 */
async function quantizeChain(scheme: WeightScheme, workers: number, shared = false, inspect = true) {
  const model = shared ? sharedChainModel() : chainModel();
  const inspections: Inspection[] = [];
  const inspector = (layer: LinearLayerInfo, stored: Float32Array, original: Float32Array) =>
    inspections.push({ layer: { ...layer }, stored: stored.slice(), original: original.slice() });
  const result = await quantizeLinearWeights(model, scheme, inspect ? inspector : undefined, { workers });
  return { bytes: encodeModel(model), result, inspections };
}

const SCHEMES: { name: string; scheme: WeightScheme }[] = [
  { name: "INT8", scheme: { kind: "int8" } },
  { name: "NF4 block 64", scheme: { kind: "4bit", type: "nf4", blockSize: 64 } },
  { name: "FP4 block 32", scheme: { kind: "4bit", type: "fp4", blockSize: 32 } },
  { name: "NF4 double quant", scheme: { kind: "4bit", type: "nf4", blockSize: 64, doubleQuant: true } },
  { name: "int4 symmetric block 32", scheme: { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 } },
  { name: "int4 asymmetric block 64", scheme: { kind: "int4", blockSize: 64, symmetric: false, accuracyLevel: 0 } },
];

describe("quantizeLinearWeights", () => {
  describe("in worker threads", () => {
    for (const { name, scheme } of SCHEMES) {
      it(`${name} equals the calling thread`, async () => {
        const sequential = await quantizeChain(scheme, 0);
        for (const [workers, shared] of [[1, false], [3, false], [0, true], [2, true]] as const) {
          const parallel = await quantizeChain(scheme, workers, shared);
          const label = `${workers} workers${shared ? ", shared memory" : ""}`;
          assert.ok(Buffer.from(parallel.bytes).equals(Buffer.from(sequential.bytes)), `${label}: model bytes differ`);
          assert.deepEqual(parallel.result.layers, sequential.result.layers, `${label}: layer records`);
          assert.deepEqual([...parallel.result.tensorRoles], [...sequential.result.tensorRoles], `${label}: tensor roles`);
          assert.deepEqual(parallel.result.overridableInputs, sequential.result.overridableInputs, `${label}: overridable inputs`);
          assert.equal(parallel.inspections.length, sequential.inspections.length, `${label}: inspector calls`);
          parallel.inspections.forEach((inspection, i) => {
            const expected = sequential.inspections[i]!;
            assert.equal(inspection.layer.name, expected.layer.name, `${label}: inspection ${i} order`);
            assert.deepEqual(inspection.stored, expected.stored, `${label}: ${expected.layer.name} stored values`);
            assert.deepEqual(inspection.original, expected.original, `${label}: ${expected.layer.name} original values`);
          });
          const uninspected = await quantizeChain(scheme, workers, shared, false);
          assert.ok(Buffer.from(uninspected.bytes).equals(Buffer.from(sequential.bytes)), `${label}, no inspector: model bytes differ`);
        }
      });
    }

    it("reads shared weights at every byte alignment", () => {
      // The worker reads a weight in place when its raw data start on a 4-byte boundary and
      // copies it otherwise. The chain model needs to exercise both.
      const offsets = sharedChainModel().graph!.initializer!.map((tensor) => tensor.rawData!.byteOffset % 4);
      assert.ok(sharedChainModel().graph!.initializer!.every((tensor) => tensor.rawData!.buffer instanceof SharedArrayBuffer), "raw data in shared memory");
      assert.ok(offsets.includes(0), `some weights aligned: offsets ${offsets.join(", ")}`);
      assert.ok(offsets.some((offset) => offset !== 0), `some weights unaligned: offsets ${offsets.join(", ")}`);
    });

    it("inspects the original weight as [N, K]", async () => {
      const { inspections } = await quantizeChain({ kind: "4bit", type: "nf4", blockSize: 64 }, 2);
      const [k, n] = [WIDTHS[0]!, WIDTHS[1]!];
      const stored = standardNormal(k * n, 100).map((x) => x * 0.05);
      const original = inspections[0]!.original;
      assert.equal(original.length, k * n);
      for (const [row, col] of [[0, 0], [3, 7], [n - 1, k - 1]] as const) {
        assert.equal(original[row * k + col], stored[col * n + row], `element [${row}, ${col}]`);
      }
    });

    it("rejects a NaN weight naming the tensor and stored element", async () => {
      const schemes: WeightScheme[] = [{ kind: "int8" }, { kind: "4bit", type: "nf4", blockSize: 32 }, { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 }];
      for (const scheme of schemes) {
        for (const workers of [0, 2]) {
          const model = chainModel();
          const tensor = model.graph!.initializer!.find((initializer) => initializer.name === "W3")!;
          new Float32Array(tensor.rawData!.buffer, tensor.rawData!.byteOffset, tensor.rawData!.length / 4)[5] = NaN;
          await assert.rejects(quantizeLinearWeights(model, scheme, undefined, { workers }), (error: Error) => {
            assert.match(error.message, /Tensor "W3" contains NaN at element 5/, `${scheme.kind}, ${workers} workers`);
            assert.equal(error.name, "RangeError", `${scheme.kind}, ${workers} workers`);
            return true;
          });
        }
      }
    });

    it("quantizes again after a rejected call", async () => {
      // The workers stay warm between calls, so a call after a failed one reuses them.
      const scheme: WeightScheme = { kind: "4bit", type: "nf4", blockSize: 32 };
      const model = chainModel();
      const tensor = model.graph!.initializer!.find((initializer) => initializer.name === "W1")!;
      new Float32Array(tensor.rawData!.buffer, tensor.rawData!.byteOffset, tensor.rawData!.length / 4)[0] = Infinity;
      await assert.rejects(quantizeLinearWeights(model, scheme, undefined, { workers: 2 }), /Tensor "W1" contains Infinity at element 0/);
      const sequential = await quantizeChain(scheme, 0);
      const parallel = await quantizeChain(scheme, 2);
      assert.ok(Buffer.from(parallel.bytes).equals(Buffer.from(sequential.bytes)), "model bytes after the rejected call");
    });

    it("quantizes a weight above the warm-worker limit", async () => {
      // A 2900 x 2900 weight (33.6 MB of float32) gets workers of its own, stopped after the call.
      const side = 2900;
      assert.ok(4 * side * side > WARM_WORKER_MAX_WEIGHT_BYTES);
      const build = () => {
        const model = chainModel();
        const large = makeTensor("L", ONNX_DATA_TYPE.FLOAT, [side, side], standardNormal(side * side, 300).map((x) => x * 0.05));
        model.graph!.initializer!.push(large);
        model.graph!.node!.push({ name: "large", opType: "MatMul", input: ["Z", "L"], output: ["ZL"] });
        return model;
      };
      const scheme: WeightScheme = { kind: "4bit", type: "nf4", blockSize: 64 };
      const sequential = build();
      await quantizeLinearWeights(sequential, scheme, undefined, { workers: 0 });
      const parallel = build();
      const result = await quantizeLinearWeights(parallel, scheme, undefined, { workers: 2 });
      assert.ok(result.layers.some((layer) => layer.weightName === "L" && layer.scheme === "nf4"), "the large weight is quantized");
      assert.ok(Buffer.from(encodeModel(parallel)).equals(Buffer.from(encodeModel(sequential))), "model bytes");
    });

    it("rejects an invalid worker count", async () => {
      for (const workers of [-1, 1.5, Number.NaN]) {
        await assert.rejects(quantizeLinearWeights(chainModel(), { kind: "int8" }, undefined, { workers }), (error: Error) => {
          assert.ok(error instanceof RangeError, `workers ${workers}: ${error.name}`);
          assert.match(error.message, /workers must be a non-negative integer/);
          return true;
        });
      }
    });
  });
});
