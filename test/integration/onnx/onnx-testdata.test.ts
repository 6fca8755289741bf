/**
 * ONNX's own operator test models for Gemm and MatMul (Debian package libonnx-testdata): each is
 * read, rewritten and written by the library, then run by onnxruntime and compared with the
 * reference outputs stored beside it.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import * as ort from "onnxruntime-node";

import { decodeModel, encodeModel, onnx, quantizeLinearWeights, readFloatTensor, tensorDims, type WeightScheme } from "../../../kernel/src/onnx";

const TESTDATA = "/usr/share/libonnx-testdata/data/node";
const CASES = fs.existsSync(TESTDATA) ? fs.readdirSync(TESTDATA).filter((name) => /^test_(gemm|matmul)_/.test(name)).sort() : [];
const SKIP = CASES.length === 0 ? "libonnx-testdata is not installed (apt-get install libonnx-testdata)" : false;

/** Tolerance of an unchanged graph: onnxruntime against ONNX's reference implementation. */
const EXACT_TOLERANCE = 1e-5;

/**
 * Relative error bounds (max |output - reference| / max |reference|) with quantized constant
 * weights on these small random matrices, about three times the largest values observed over the
 * ten cases that quantize: 0.0066 (int8), 0.096 (nf4), 0.056 (int4). Set
 * DNAQUANT_TEST_VERBOSE=1 to print them.
 */
const SCHEMES: { label: string; scheme: WeightScheme; bound: number }[] = [
  { label: "int8", scheme: { kind: "int8" }, bound: 0.02 },
  { label: "nf4 block 16", scheme: { kind: "4bit", type: "nf4", blockSize: 16 }, bound: 0.3 },
  { label: "int4 block 16", scheme: { kind: "int4", blockSize: 16, symmetric: true, accuracyLevel: 0 }, bound: 0.17 },
];

function readTensor(file: string): onnx.TensorProto {
  return onnx.TensorProto.decode(fs.readFileSync(file));
}

function toOrt(tensor: onnx.ITensorProto): ort.Tensor {
  return new ort.Tensor("float32", readFloatTensor(tensor), tensorDims(tensor));
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return error / scale;
}

/** Loads a case: its model, its inputs by graph input name, and the reference output. */
function loadCase(name: string) {
  const directory = path.join(TESTDATA, name);
  const model = decodeModel(fs.readFileSync(path.join(directory, "model.onnx")), name);
  const dataDirectory = path.join(directory, "test_data_set_0");
  const inputs = model.graph!.input!.map((input, index) => ({ name: input.name!, tensor: readTensor(path.join(dataDirectory, `input_${index}.pb`)) }));
  const expected = readFloatTensor(readTensor(path.join(dataDirectory, "output_0.pb")));
  return { model, inputs, expected };
}

async function run(model: onnx.IModelProto, inputs: { name: string; tensor: onnx.ITensorProto }[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  const feeds = Object.fromEntries(inputs.map(({ name, tensor }) => [name, toOrt(tensor)]));
  const outputs = await session.run(feeds);
  await session.release();
  return outputs[session.outputNames[0]!]!.data as Float32Array;
}

describe("ONNX operator test models", { skip: SKIP }, () => {
  for (const name of CASES) {
    it(`${name} unchanged when B is an input`, async () => {
      const { model, inputs, expected } = loadCase(name);
      const result = await quantizeLinearWeights(model, { kind: "int8" });
      assert.equal(result.layers.length, 0, "an activation B is not a weight");
      const written = decodeModel(encodeModel(model), `${name} rewritten`);
      const actual = await run(written, inputs);
      assert.ok(relativeError(actual, expected) < EXACT_TOLERANCE, `error ${relativeError(actual, expected)}`);
    });

    it(`${name} with B as a quantized constant`, async () => {
      for (const { label, scheme, bound } of SCHEMES) {
        const { model, inputs, expected } = loadCase(name);
        const graph = model.graph!;
        const weightInput = inputs[1]!;
        graph.initializer!.push(onnx.TensorProto.create({ ...weightInput.tensor, name: weightInput.name }));
        graph.input = graph.input!.filter((input) => input.name !== weightInput.name);
        const result = await quantizeLinearWeights(model, scheme);
        const feeds = inputs.filter((input) => input.name !== weightInput.name);

        if (result.layers.length === 0) {
          // transA Gemms and batched (rank > 2) weights stay in fp32, each with a stated reason.
          assert.equal(result.skipped.length, 1, `${label}: neither quantized nor skipped`);
          assert.ok(result.skipped[0]!.reason.length > 0);
          const actual = await run(decodeModel(encodeModel(model), name), feeds);
          assert.ok(relativeError(actual, expected) < EXACT_TOLERANCE);
          continue;
        }
        const actual = await run(decodeModel(encodeModel(model), name), feeds);
        const error = relativeError(actual, expected);
        if (process.env.DNAQUANT_TEST_VERBOSE) console.log(name, label, error.toFixed(4));
        assert.ok(error < bound, `${label}: relative error ${error.toFixed(4)} >= ${bound}`);
      }
    });
  }
});
