import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { chooseSessionSource } from "../../../kernel/src/model/session";
import {
  encodeModel,
  EXTERNAL_DATA_ALIGNMENT,
  ExternalDataReader,
  ExternalDataWriter,
  inlineExternalData,
  inlineModelSize,
  isExternalTensor,
  listModelTensors,
  makeTensor,
  moveTensorsToExternalData,
  onnx,
  ONNX_DATA_TYPE,
  readExternalDataInfo,
  readFloatTensor,
  resolveExternalLocation,
  setExternalData,
  tensorByteLength,
} from "../../../kernel/src/onnx";

/** Returns a FLOAT tensor `[rows, cols]` with values 0, 1, 2, ... scaled by `scale`. */
function ramp(name: string, rows: number, cols: number, scale = 1): onnx.TensorProto {
  return makeTensor(name, ONNX_DATA_TYPE.FLOAT, [rows, cols], Float32Array.from({ length: rows * cols }, (_, i) => i * scale));
}

/** Returns a model with two initializers, a Constant node and an If whose branch has an initializer. */
function sampleModel(): onnx.ModelProto {
  const branch = onnx.GraphProto.create({ name: "then", initializer: [ramp("inner", 16, 16, 3)], node: [{ opType: "Identity", input: ["inner"], output: ["out"] }] });
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "sample",
      initializer: [ramp("a", 32, 32), ramp("small", 2, 2)],
      node: [
        { opType: "Constant", output: ["c"], attribute: [{ name: "value", type: onnx.AttributeProto.AttributeType.TENSOR, t: ramp("c", 8, 64, 2) }] },
        { opType: "If", input: ["cond"], output: ["out"], attribute: [{ name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch }] },
      ],
    },
  });
}

describe("onnx/external-data", () => {
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-external-unit-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe("readExternalDataInfo", () => {
    it("parses location, offset, length and checksum", () => {
      const tensor = ramp("w", 2, 2);
      tensor.externalData = [
        { key: "location", value: "data.bin" },
        { key: "offset", value: "4096" },
        { key: "length", value: "16" },
        { key: "checksum", value: "abc" },
      ];
      assert.deepEqual(readExternalDataInfo(tensor), { location: "data.bin", offset: 4096, length: 16, checksum: "abc" });
    });

    it("defaults the offset to 0 and leaves length out", () => {
      const tensor = ramp("w", 2, 2);
      tensor.externalData = [{ key: "location", value: "data.bin" }];
      assert.deepEqual(readExternalDataInfo(tensor), { location: "data.bin", offset: 0 });
    });

    for (const [label, entries, pattern] of [
      ["a missing location", [{ key: "offset", value: "0" }], /no "location" entry/],
      ["a negative offset", [{ key: "location", value: "d" }, { key: "offset", value: "-1" }], /offset "-1", which is not a non-negative integer/],
      ["a fractional length", [{ key: "location", value: "d" }, { key: "length", value: "1.5" }], /length "1.5", which is not a non-negative integer/],
    ] as const) {
      it(`rejects ${label}`, () => {
        const tensor = ramp("w", 2, 2);
        tensor.externalData = entries.map((item) => ({ ...item }));
        assert.throws(() => readExternalDataInfo(tensor), (error: Error) => {
          assert.match(error.message, /Tensor "w"/);
          assert.match(error.message, pattern);
          return true;
        });
      });
    }
  });

  describe("resolveExternalLocation", () => {
    it("accepts files in subfolders of the model folder", () => {
      assert.equal(resolveExternalLocation("/models/m", "weights/a.bin", "w"), path.resolve("/models/m/weights/a.bin"));
      assert.equal(resolveExternalLocation("/models/m", "./a.bin", "w"), path.resolve("/models/m/a.bin"));
    });

    for (const location of ["../a.bin", "weights/../../a.bin", "/etc/passwd", "C:\\data\\a.bin", "weights\\..\\..\\a.bin", "a\0.bin", ".", ""]) {
      it(`rejects ${JSON.stringify(location)}`, () => {
        assert.throws(() => resolveExternalLocation("/models/m", location, "w"), /Tensor "w" has external data location .* points outside the model folder \/models\/m/);
      });
    }
  });

  describe("ExternalDataWriter", () => {
    it("aligns every tensor and reads back through ExternalDataReader", () => {
      const folder = path.join(scratch, "writer");
      fs.mkdirSync(folder);
      const writer = new ExternalDataWriter(path.join(folder, "data.bin"), "data.bin");
      const tensors = [ramp("a", 3, 5), ramp("b", 100, 30, 0.5), ramp("c", 1, 1)];
      for (const tensor of tensors) setExternalData(tensor, writer.append(tensor.rawData!));
      writer.close();

      const offsets = tensors.map((tensor) => readExternalDataInfo(tensor).offset);
      assert.deepEqual(offsets, [0, EXTERNAL_DATA_ALIGNMENT, 4 * EXTERNAL_DATA_ALIGNMENT]);
      const reader = new ExternalDataReader(path.join(folder, "model.onnx"));
      assert.deepEqual(readFloatTensor(tensors[1]!, undefined, reader), Float32Array.from({ length: 3000 }, (_, i) => i * 0.5));
      assert.deepEqual(readFloatTensor(tensors[2]!, undefined, reader), Float32Array.of(0));
      assert.equal(tensorByteLength(tensors[1]!), 12000);
    });

    it("rejects a zero alignment", () => {
      assert.throws(() => new ExternalDataWriter(path.join(scratch, "never.bin"), "never.bin", 0), RangeError);
    });
  });

  describe("readFloatTensor", () => {
    it("names the tensor in external data when no reader is given", () => {
      const tensor = ramp("w", 2, 2);
      setExternalData(tensor, { location: "data.bin", offset: 0, length: 16 });
      assert.throws(() => readFloatTensor(tensor), /Tensor "w" is stored in external data; read it with an ExternalDataReader/);
    });
  });

  describe("moveTensorsToExternalData", () => {
    it("moves large tensors and restores them", () => {
      const model = sampleModel();
      const before = Buffer.from(encodeModel(model));
      const folder = path.join(scratch, "move");
      fs.mkdirSync(folder);
      const writer = new ExternalDataWriter(path.join(folder, "model.onnx_data"), "model.onnx_data");
      const restore = moveTensorsToExternalData(model, writer);
      writer.close();

      const moved = listModelTensors(model).filter(isExternalTensor).map((tensor) => tensor.name);
      assert.deepEqual(moved.sort(), ["a", "c", "inner"]);
      const reader = new ExternalDataReader(path.join(folder, "model.onnx"));
      assert.equal(reader.validate(model).tensors, 3);

      // Reading the data back gives the original model's bytes.
      const restoreInline = inlineExternalData(model, reader);
      assert.ok(Buffer.from(encodeModel(model)).equals(before), "inlined bytes equal the original");
      restoreInline();
      assert.equal(listModelTensors(model).filter(isExternalTensor).length, 3);
      restore();
      assert.ok(Buffer.from(encodeModel(model)).equals(before), "restored bytes equal the original");
    });
  });

  describe("inlineModelSize", () => {
    it("bounds the encoded size from above by a few bytes per tensor", () => {
      const model = sampleModel();
      const actual = encodeModel(model).length;
      const estimate = inlineModelSize(model);
      assert.ok(estimate >= actual, `estimate ${estimate} below the actual ${actual} bytes`);
      assert.ok(estimate - actual <= 11 * 3, `estimate ${estimate} more than 11 bytes per tensor above ${actual} bytes`);
      assert.equal(encodeModel(model).length, actual, "the model is left as it was");
    });
  });

  describe("chooseSessionSource", () => {
    /** Writes `model`'s tensors of 1 KiB or more to a data file and returns the session graph. */
    const externalGraph = (name: string, model: onnx.ModelProto, unchanged: boolean) => {
      const folder = path.join(scratch, name);
      fs.mkdirSync(folder);
      const writer = new ExternalDataWriter(path.join(folder, "model.onnx_data"), "model.onnx_data");
      moveTensorsToExternalData(model, writer);
      writer.close();
      const onnxPath = path.join(folder, "model.onnx");
      return { model, onnxPath, externalData: new ExternalDataReader(onnxPath), unchanged };
    };

    it("hands over a graph without external data from memory", () => {
      const model = sampleModel();
      assert.equal(chooseSessionSource({ model, onnxPath: "/m/model.onnx", externalData: new ExternalDataReader("/m/model.onnx"), unchanged: true }), "memory");
    });

    it("lets onnxruntime read the file of an unchanged graph", () => {
      assert.equal(chooseSessionSource(externalGraph("unchanged", sampleModel(), true)), "file");
    });

    it("leaves large data files to onnxruntime after a rewrite", () => {
      const graph = externalGraph("rewritten-small", sampleModel(), false);
      graph.model.graph!.initializer!.push(ramp("quantized", 4, 4));
      assert.equal(chooseSessionSource(graph), "bytes-with-external-data");
    });

    it("hands over everything when the in-memory tensors are large", () => {
      const graph = externalGraph("rewritten-large", sampleModel(), false);
      graph.model.graph!.initializer!.push(ramp("quantized", 64, 64));
      assert.equal(chooseSessionSource(graph), "memory");
    });
  });
});
