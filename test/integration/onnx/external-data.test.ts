/**
 * Models whose weights are in ONNX external data files. The tests load them quantized and in
 * float32, save them with external data and check the errors for broken references. They cover
 * subgraphs and opsets 11 to 21, and load a DNABERT-2-117M-shaped model (480 MB of float32 in
 * one data file) in 4 bits.
 *
 * The models come from the generators in bench/models, written into a temporary folder.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import * as ort from "onnxruntime-node";

import {
  analyzeActivationOutliers,
  analyzeQuantizationError,
  BUNDLED_DATA,
  loadModel,
  loadModelAndTokenizer,
  readLabelledSequences,
  type LoadOptions,
} from "../../../kernel/src";
import {
  decodeModel,
  EXTERNAL_DATA_ALIGNMENT,
  EXTERNAL_DATA_MIN_BYTES,
  encodeModel,
  ExternalDataReader,
  ExternalDataWriter,
  isExternalTensor,
  listModelTensors,
  makeTensor,
  onnx,
  ONNX_DATA_TYPE,
  quantizeLinearWeights,
  setExternalData,
  type WeightScheme,
} from "../../../kernel/src/onnx";
import { DNABERT2_117M_SHAPE, writeDnabert2Encoder, type Dnabert2EncoderConfig } from "../../../bench/models/dnabert2-encoder";
import { promoterSequences } from "../../helpers/dna-data";
import { standardNormal } from "../../helpers/random";

/** A small encoder with DNABERT-2's vocabulary (its tokenizer needs all 4096 ids). */
const SMALL_ENCODER: Dnabert2EncoderConfig = { ...DNABERT2_117M_SHAPE, hiddenSize: 64, heads: 4, layers: 2, intermediateSize: 128, seed: 7 };

const NF4: WeightScheme = { kind: "4bit", type: "nf4", blockSize: 64 };

const SCHEMES: { label: string; options: LoadOptions }[] = [
  { label: "fp32", options: {} },
  { label: "int8", options: { loadIn8bit: true } },
  { label: "nf4", options: { loadIn4bit: true } },
  { label: "fp4", options: { loadIn4bit: true, quantType: "fp4" } },
  { label: "nf4 double quant", options: { loadIn4bit: true, doubleQuant: true } },
  { label: "int4", options: { loadIn4bit: true, quantType: "int4" } },
];

/** Reads and rewrites the graph of a model folder. */
function editGraph(directory: string, edit: (model: onnx.ModelProto) => void): void {
  const file = path.join(directory, "model.onnx");
  const model = decodeModel(fs.readFileSync(file), file);
  edit(model);
  fs.writeFileSync(file, encodeModel(model));
}

/** Returns the external tensors of a model folder's graph. */
function externalTensors(directory: string, onnxFile = "model.onnx"): onnx.ITensorProto[] {
  const file = path.join(directory, onnxFile);
  return listModelTensors(decodeModel(fs.readFileSync(file), file)).filter(isExternalTensor);
}

/** Returns the external data entry `key` of a tensor. */
function entry(tensor: onnx.ITensorProto, key: string): string | undefined {
  return (tensor.externalData ?? []).find((item) => item.key === key)?.value ?? undefined;
}

describe("external data", () => {
  let scratch: string;
  let inline: string;
  let single: string;
  let perLayer: string;
  const sequences = promoterSequences(3);

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-external-"));
    inline = writeDnabert2Encoder(path.join(scratch, "inline"), SMALL_ENCODER, "inline").directory;
    single = writeDnabert2Encoder(path.join(scratch, "single"), SMALL_ENCODER, "external").directory;
    perLayer = writeDnabert2Encoder(path.join(scratch, "per-layer"), SMALL_ENCODER, "external-per-layer").directory;
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe("generated models", () => {
    it("keep every weight in data files at aligned offsets", () => {
      const tensors = externalTensors(perLayer);
      const locations = new Set(tensors.map((tensor) => entry(tensor, "location")));
      assert.deepEqual([...locations].sort(), ["weights/layer-00.bin", "weights/layer-01.bin", "weights/shared.bin"]);
      for (const tensor of tensors) {
        assert.equal(Number(entry(tensor, "offset")) % EXTERNAL_DATA_ALIGNMENT, 0, `offset of ${tensor.name}`);
      }
      assert.ok(tensors.some((tensor) => Number(entry(tensor, "offset")) > 0), "several tensors share a file");
      assert.deepEqual(new Set(externalTensors(single).map((tensor) => entry(tensor, "location"))), new Set(["model.onnx_data"]));
    });
  });

  describe("loadModelAndTokenizer", () => {
    for (const { label, options } of SCHEMES) {
      it(`${label} equals the inline model`, async () => {
        const reference = await loadModelAndTokenizer(inline, options);
        const expected = await reference.model.embed(sequences);
        const [expectedLogits] = await reference.model.tokenLogits(sequences.slice(0, 1));
        for (const directory of [single, perLayer]) {
          const { model } = await loadModelAndTokenizer(directory, options);
          const name = path.basename(directory);
          assert.deepEqual(await model.embed(sequences), expected, `${name}: embeddings`);
          assert.deepEqual((await model.tokenLogits(sequences.slice(0, 1)))[0]!.logits, expectedLogits!.logits, `${name}: logits`);
          assert.deepEqual(model.getMemoryFootprint(), reference.model.getMemoryFootprint(), `${name}: footprint`);
          assert.deepEqual(
            model.layers.map((layer) => layer.statistics),
            reference.model.layers.map((layer) => layer.statistics),
            `${name}: weight statistics`,
          );
          await model.dispose();
        }
        await reference.model.dispose();
      });
    }

    it("reads weights in worker threads as on the calling thread", async () => {
      const file = path.join(perLayer, "model.onnx");
      const externalData = new ExternalDataReader(file);
      const quantize = async (workers: number) => {
        const model = decodeModel(fs.readFileSync(file), file);
        const inspected: Float32Array[] = [];
        await quantizeLinearWeights(model, NF4, (_layer, stored, original) => inspected.push(stored.slice(), original.slice()), { workers, externalData });
        return { bytes: encodeModel(model), inspected };
      };
      const sequential = await quantize(0);
      const parallel = await quantize(2);
      assert.ok(Buffer.from(parallel.bytes).equals(Buffer.from(sequential.bytes)), "model bytes");
      assert.deepEqual(parallel.inspected, sequential.inspected);

      // The quantized tensors equal those of the same weights stored inline.
      const inlineFile = path.join(inline, "model.onnx");
      const inlineModel = decodeModel(fs.readFileSync(inlineFile), inlineFile);
      await quantizeLinearWeights(inlineModel, NF4, undefined, { workers: 0 });
      const quantizedTensors = (model: onnx.IModelProto) =>
        new Map(listModelTensors(model).filter((tensor) => /_(nf4|absmax)$/.test(tensor.name ?? "")).map((tensor) => [tensor.name, Buffer.from(tensor.rawData!)]));
      const expected = quantizedTensors(inlineModel);
      assert.equal(expected.size, 2 * (4 * SMALL_ENCODER.layers + 2));
      assert.deepEqual(quantizedTensors(decodeModel(sequential.bytes, "sequential")), expected);
    });

    it("rejects a weight in external data without a reader", async () => {
      const file = path.join(single, "model.onnx");
      await assert.rejects(quantizeLinearWeights(decodeModel(fs.readFileSync(file), file), NF4), (error: Error) => {
        assert.match(error.message, /Weight "bert\.encoder\.layer\.0\.attention\.self\.Wqkv\.weight" is stored in external data; pass options\.externalData/);
        return true;
      });
    });

    it("keeps skipModules weights in float32 from the data files", async () => {
      const options: LoadOptions = { loadIn8bit: true, skipModules: ["mlp"] };
      const reference = await loadModelAndTokenizer(inline, options);
      const { model } = await loadModelAndTokenizer(single, options);
      assert.ok(model.layers.some((layer) => layer.scheme === "fp32"), "some layers stay in float32");
      assert.deepEqual(await model.embed(sequences), await reference.model.embed(sequences));
      assert.deepEqual(model.getMemoryFootprint(), reference.model.getMemoryFootprint());
      await Promise.all([model.dispose(), reference.model.dispose()]);
    });
  });

  describe("analysis", () => {
    it("analyzeQuantizationError reads weights from data files", async () => {
      const expected = await analyzeQuantizationError(inline, { schemes: ["nf4", "int8"], workers: 0 });
      const actual = await analyzeQuantizationError(perLayer, { schemes: ["nf4", "int8"], workers: 0 });
      assert.deepEqual(actual.layers, expected.layers);
    });

    it("analyzeActivationOutliers runs with data files", async () => {
      const expected = await analyzeActivationOutliers(inline, sequences, { int8Threshold: 0.5 });
      const actual = await analyzeActivationOutliers(single, sequences, { int8Threshold: 0.5 });
      assert.deepEqual(actual, expected);
      assert.ok(actual.layers.length > 0, "every linear layer is probed");
    });
  });

  describe("getMemoryFootprint", () => {
    it("counts external tensors from dims and element size", async () => {
      const model = await loadModel(single);
      const footprint = model.getMemoryFootprint();
      const dataBytes = externalTensors(single).reduce((sum, tensor) => sum + Number(entry(tensor, "length")), 0);
      assert.ok(footprint.totalBytes >= dataBytes, `total ${footprint.totalBytes} bytes >= ${dataBytes} bytes in data files`);
      assert.ok(footprint.totalBytes - dataBytes < 4096, `only small inline constants besides the data files (${footprint.totalBytes - dataBytes} bytes)`);
      await model.dispose();
    });
  });

  describe("DnaModel#save", () => {
    const cases: { label: string; options: LoadOptions; file: string }[] = [
      { label: "fp32", options: {}, file: "onnx/model.onnx" },
      { label: "int8", options: { loadIn8bit: true }, file: "onnx/model_quantized.onnx" },
      { label: "nf4 double quant", options: { loadIn4bit: true, doubleQuant: true }, file: "onnx/model_bnb4.onnx" },
      { label: "int4", options: { loadIn4bit: true, quantType: "int4" }, file: "onnx/model_q4.onnx" },
    ];
    for (const { label, options, file } of cases) {
      it(`writes ${label} with external data and loads it back`, async () => {
        const { model, tokenizer } = await loadModelAndTokenizer(perLayer, options);
        const directory = path.join(scratch, `saved-${label.replace(/ /g, "-")}`);
        const saved = await model.save(directory, { externalDataThreshold: 0 });
        assert.equal(saved.onnxFile, file);
        assert.equal(saved.externalDataFile, `${file}_data`);
        assert.ok(saved.files.includes(`${file}_data`), "the data file is listed");
        assert.ok(!fs.readdirSync(scratch).some((name) => name.includes(".saving-")), "no staging folder is left");

        // Tensors of 1 KiB or more are in the data file at offsets aligned to 4096 bytes.
        const graph = decodeModel(fs.readFileSync(path.join(directory, file)), file);
        for (const tensor of listModelTensors(graph)) {
          const bytes = isExternalTensor(tensor) ? Number(entry(tensor, "length")) : (tensor.rawData?.length ?? 0);
          if (!isExternalTensor(tensor)) {
            assert.ok(bytes < EXTERNAL_DATA_MIN_BYTES, `${tensor.name} (${bytes} bytes) stays inline only when small`);
            continue;
          }
          assert.equal(entry(tensor, "location"), path.basename(`${file}_data`));
          assert.equal(Number(entry(tensor, "offset")) % EXTERNAL_DATA_ALIGNMENT, 0, `offset of ${tensor.name}`);
        }

        // dnaquant reads it back without re-quantizing.
        const reloaded = await loadModelAndTokenizer(directory);
        assert.equal(reloaded.model.scheme, model.scheme);
        assert.deepEqual(reloaded.model.getMemoryFootprint(), model.getMemoryFootprint());
        assert.deepEqual(await reloaded.model.embed(sequences), await model.embed(sequences));

        // Plain onnxruntime-node reads the data file from the graph's path.
        const session = await ort.InferenceSession.create(path.join(directory, file));
        const batch = tokenizer.encodeBatch(sequences.slice(0, 1));
        const dims = [1, batch.sequenceLength];
        const outputs = await session.run({
          input_ids: new ort.Tensor("int64", batch.inputIds, dims),
          attention_mask: new ort.Tensor("int64", batch.attentionMask, dims),
          token_type_ids: new ort.Tensor("int64", batch.tokenTypeIds, dims),
        });
        const [ours] = await model.tokenLogits(sequences.slice(0, 1));
        assert.deepEqual(outputs.logits!.data, ours!.logits);
        await Promise.all([session.release(), model.dispose(), reloaded.model.dispose()]);
      });
    }

    it("writes one file when the graph fits", async () => {
      const model = await loadModel(single, { loadIn4bit: true });
      const saved = await model.save(path.join(scratch, "saved-inline"));
      assert.equal(saved.externalDataFile, undefined);
      assert.ok(!fs.existsSync(path.join(saved.directory, `${saved.onnxFile}_data`)));
      const graph = decodeModel(fs.readFileSync(path.join(saved.directory, saved.onnxFile)), saved.onnxFile);
      assert.equal(listModelTensors(graph).filter(isExternalTensor).length, 0, "no tensor refers to the source's data files");
      await model.dispose();
    });

    it("rejects a negative externalDataThreshold", async () => {
      const model = await loadModel(single);
      await assert.rejects(model.save(path.join(scratch, "saved-negative"), { externalDataThreshold: -1 }), (error: Error) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /externalDataThreshold must be a non-negative integer/);
        assert.match(error.message, /got -1/);
        return true;
      });
      await model.dispose();
    });
  });

  describe("broken references", () => {
    /** Copies the per-layer model into a fresh folder and returns it. */
    const copy = (name: string) => {
      const directory = path.join(scratch, `broken-${name}`);
      fs.cpSync(perLayer, directory, { recursive: true });
      return directory;
    };

    it("names the tensor and file of a missing data file", async () => {
      const directory = copy("missing");
      fs.rmSync(path.join(directory, "weights", "layer-01.bin"));
      await assert.rejects(loadModel(directory, { loadIn4bit: true }), (error: Error) => {
        assert.match(error.message, /tensor "bert\.encoder\.layer\.1\.[^"]+"/);
        assert.match(error.message, /"weights\/layer-01\.bin"/);
        assert.match(error.message, /not found/);
        assert.match(error.message, /offset \d+, length \d+ bytes/);
        assert.match(error.message, /Copy the model's data files into/);
        return true;
      });
    });

    it("names the tensor and file of an offset beyond the end", async () => {
      const directory = copy("truncated");
      const file = path.join(directory, "weights", "layer-00.bin");
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
      await assert.rejects(loadModel(directory), (error: Error) => {
        assert.match(error.message, /tensor "bert\.encoder\.layer\.0\.[^"]+"/);
        assert.ok(error.message.includes(file), `names ${file}: ${error.message}`);
        assert.match(error.message, /beyond the end of/);
        assert.match(error.message, /truncated or belongs to another export; copy or download it again/);
        return true;
      });
    });

    it("names the tensor of a length that does not match its dims", async () => {
      const directory = copy("length");
      let edited = "";
      editGraph(directory, (model) => {
        const tensor = listModelTensors(model).find((candidate) => candidate.name === "bert.encoder.layer.0.mlp.wo.weight")!;
        const length = tensor.externalData!.find((item) => item.key === "length")!;
        length.value = String(Number(length.value) - 4);
        edited = tensor.name!;
      });
      await assert.rejects(loadModel(directory), (error: Error) => {
        assert.ok(error.message.includes(`Tensor "${edited}" (FLOAT [128, 64]) needs 32768 bytes`), error.message);
        assert.match(error.message, /gives length 32764/);
        assert.match(error.message, /"weights\/layer-00\.bin"/);
        assert.match(error.message, /export the model again/);
        return true;
      });
    });

    for (const [label, location] of [
      ["a parent folder", "../outside.bin"],
      ["an absolute path", path.join(os.tmpdir(), "outside.bin")],
      ["a nested parent folder", "weights/../../outside.bin"],
    ] as const) {
      it(`rejects a location in ${label}`, async () => {
        const directory = copy(`escape-${label.replace(/ /g, "-")}`);
        fs.writeFileSync(path.join(scratch, "outside.bin"), new Uint8Array(1 << 20));
        editGraph(directory, (model) => {
          const tensor = listModelTensors(model).find((candidate) => candidate.name === "bert.embeddings.word_embeddings.weight")!;
          tensor.externalData!.find((item) => item.key === "location")!.value = location;
        });
        await assert.rejects(loadModel(directory), (error: Error) => {
          assert.ok(error.message.includes('Tensor "bert.embeddings.word_embeddings.weight"'), error.message);
          assert.ok(error.message.includes(JSON.stringify(location)), `names ${location}: ${error.message}`);
          assert.match(error.message, /points outside the model folder/);
          assert.match(error.message, /must be a relative path inside the folder of the \.onnx file/);
          return true;
        });
      });
    }
  });

  describe("subgraphs", () => {
    const k = 64;
    const value = (name: string, elemType: number, dims: (number | string)[]) =>
      onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } } } });

    /** Builds an If whose branches read their own weights, then a MatMul of width `width`. */
    const build = (directory: string, external: boolean, width: number) => {
      fs.mkdirSync(directory, { recursive: true });
      const writer = external ? new ExternalDataWriter(path.join(directory, "data.bin"), "data.bin") : undefined;
      const weight = (name: string, dims: number[], seed: number) => {
        const values = standardNormal(dims[0]! * dims[1]!, seed).map((x) => x * 0.05);
        const tensor = makeTensor(name, ONNX_DATA_TYPE.FLOAT, dims, values);
        if (writer) setExternalData(tensor, writer.append(new Uint8Array(values.buffer)));
        return tensor;
      };
      const branch = (name: string, seed: number) =>
        onnx.GraphProto.create({
          name,
          initializer: [weight(`${name}_w`, [k, k], seed)],
          node: [{ name: `${name}_matmul`, opType: "MatMul", input: ["X", `${name}_w`], output: [`${name}_y`] }],
          output: [value(`${name}_y`, ONNX_DATA_TYPE.FLOAT, ["batch", k])],
        });
      const { GRAPH } = onnx.AttributeProto.AttributeType;
      const model = onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: "", version: 17 }],
        graph: {
          name: "subgraphs",
          node: [
            { name: "if", opType: "If", input: ["cond"], output: ["H"], attribute: [{ name: "then_branch", type: GRAPH, g: branch("then", 1) }, { name: "else_branch", type: GRAPH, g: branch("else", 2) }] },
            { name: "head", opType: "MatMul", input: ["H", "head_w"], output: ["Y"] },
          ],
          initializer: [weight("head_w", [k, width], 3)],
          input: [value("X", ONNX_DATA_TYPE.FLOAT, ["batch", k]), value("cond", onnx.TensorProto.DataType.BOOL, [])],
          output: [value("Y", ONNX_DATA_TYPE.FLOAT, ["batch", width])],
        },
      });
      writer?.close();
      fs.writeFileSync(path.join(directory, "model.onnx"), encodeModel(model));
      return path.join(directory, "model.onnx");
    };

    // A narrow head leaves more bytes in the data files than in memory after INT8, a wide one fewer:
    // onnxruntime then reads the branch weights from the folder, or gets them from memory.
    for (const width of [64, 4096]) {
      for (const { label, options } of SCHEMES.filter((scheme) => ["fp32", "int8"].includes(scheme.label))) {
        it(`${label} with a head of ${width} equals inline weights`, async () => {
          const folder = path.join(scratch, `subgraphs-${width}-${label}`);
          const feeds = { X: { data: standardNormal(2 * k, 5), dims: [2, k] }, cond: new ort.Tensor("bool", [true], []) };
          const inlineModel = await loadModel(build(path.join(folder, "inline"), false, width), options);
          const externalModel = await loadModel(build(path.join(folder, "external"), true, width), options);
          assert.deepEqual((await externalModel.run(feeds)).Y!.data, (await inlineModel.run(feeds)).Y!.data);
          await Promise.all([inlineModel.dispose(), externalModel.dispose()]);
        });
      }
    }
  });

  describe("opsets 11 to 21", () => {
    const IR_VERSIONS: Record<number, number> = { 11: 6, 13: 7, 17: 8, 21: 10 };
    const [vocab, hidden, inner, out] = [64, 96, 192, 48];

    /**
     * Builds embeddings, a MatMul MLP with a residual and a Gemm (transB) head, with the weights
     * inline or in two data files.
     */
    const build = (directory: string, opset: number, external: boolean) => {
      fs.mkdirSync(directory, { recursive: true });
      const writers = external
        ? [new ExternalDataWriter(path.join(directory, "a.bin"), "a.bin"), new ExternalDataWriter(path.join(directory, "b.bin"), "b.bin")]
        : [];
      const tensor = (name: string, dims: number[], seed: number, file: number) => {
        const values = standardNormal(dims[0]! * dims[1]!, seed).map((value) => value * 0.05);
        const tensor = makeTensor(name, ONNX_DATA_TYPE.FLOAT, dims, values);
        if (external) setExternalData(tensor, writers[file]!.append(new Uint8Array(values.buffer)));
        return tensor;
      };
      const initializer = [
        tensor("embeddings", [vocab, hidden], 1, 0),
        tensor("w1", [hidden, inner], 2, 0),
        tensor("w2", [inner, hidden], 3, 1),
        tensor("head", [out, hidden], 4, 1),
        makeTensor("flat", ONNX_DATA_TYPE.INT64, [2], BigInt64Array.of(-1n, BigInt(hidden))),
      ];
      for (const writer of writers) writer.close();
      const value = (name: string, elemType: number, dims: (number | string)[]) =>
        onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } } } });
      const model = onnx.ModelProto.create({
        irVersion: IR_VERSIONS[opset],
        opsetImport: [{ domain: "", version: opset }],
        producerName: "dnaquant-tests",
        graph: {
          name: `opset-${opset}`,
          node: [
            { name: "embed", opType: "Gather", input: ["embeddings", "ids"], output: ["h0"] },
            { name: "up", opType: "MatMul", input: ["h0", "w1"], output: ["h1"] },
            { name: "act", opType: "Relu", input: ["h1"], output: ["h2"] },
            { name: "down", opType: "MatMul", input: ["h2", "w2"], output: ["h3"] },
            { name: "residual", opType: "Add", input: ["h0", "h3"], output: ["h4"] },
            { name: "flatten", opType: "Reshape", input: ["h4", "flat"], output: ["h5"] },
            { name: "head", opType: "Gemm", input: ["h5", "head"], output: ["Y"], attribute: [{ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
          ],
          initializer,
          input: [value("ids", ONNX_DATA_TYPE.INT64, ["batch", "sequence"])],
          output: [value("Y", ONNX_DATA_TYPE.FLOAT, ["tokens", out])],
        },
      });
      fs.writeFileSync(path.join(directory, "model.onnx"), encodeModel(model));
      return path.join(directory, "model.onnx");
    };
    const ids = { ids: { data: BigInt64Array.from({ length: 12 }, (_, i) => BigInt((i * 7) % vocab)), dims: [2, 6] } };

    for (const opset of [11, 13, 17, 21]) {
      for (const { label, options } of SCHEMES.filter((scheme) => ["fp32", "nf4", "int8", "int4"].includes(scheme.label))) {
        it(`opset ${opset} ${label} equals inline weights`, async () => {
          const folder = path.join(scratch, `opset-${opset}-${label}`);
          const inlineModel = await loadModel(build(path.join(folder, "inline"), opset, false), options);
          const externalModel = await loadModel(build(path.join(folder, "external"), opset, true), options);
          const expected = (await inlineModel.run(ids)).Y!.data as Float32Array;
          const actual = (await externalModel.run(ids)).Y!.data as Float32Array;
          assert.deepEqual(actual, expected);
          assert.deepEqual(externalModel.getMemoryFootprint(), inlineModel.getMemoryFootprint());
          await Promise.all([inlineModel.dispose(), externalModel.dispose()]);
        });
      }
    }
  });
});

describe("DNABERT-2-117M-shaped model in external data", () => {
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-dnabert2-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("loads in 4 bits and embeds a promoter sequence", async () => {
    // 120 M float32 weights, 480 MB in one data file.
    const generated = writeDnabert2Encoder(path.join(scratch, "dnabert2"), DNABERT2_117M_SHAPE, "external");
    assert.ok(generated.dataBytes > 480e6, `data file of ${generated.dataBytes} bytes`);
    const [first] = readLabelledSequences(BUNDLED_DATA.promoterTest);

    const { model } = await loadModelAndTokenizer(generated.directory, { loadIn4bit: true });
    const footprint = model.getMemoryFootprint();
    assert.equal(footprint.linearWeights.quantizedCount, 12 * 4 + 2, "every linear weight is NF4");
    assert.ok(footprint.linearWeights.storedBytes / footprint.linearWeights.fp32Bytes < 0.16, "NF4 with block 64 stores 4.5 bits per weight");
    const [embedding] = await model.embed([first!.sequence]);
    assert.equal(embedding!.length, 768);
    assert.ok(embedding!.every(Number.isFinite), "the embedding is finite");
    assert.ok(embedding!.some((value) => value !== 0), "the embedding is not zero");
    await model.dispose();
  });
});
