import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import * as ort from "onnxruntime-node";

import { loadModelAndTokenizer, saveModelFiles, type LoadOptions } from "../../../kernel/src";
import { promoterSequences } from "../../helpers/dna-data";
import { TAXONOMY_MODEL } from "../../helpers/paths";

describe("DnaModel.save", () => {
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-save-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const cases: { label: string; options: LoadOptions; file: string }[] = [
    { label: "nf4", options: { loadIn4bit: true }, file: "onnx/model_bnb4.onnx" },
    { label: "nf4 double quant", options: { loadIn4bit: true, doubleQuant: true }, file: "onnx/model_bnb4.onnx" },
    { label: "int8", options: { loadIn8bit: true }, file: "onnx/model_quantized.onnx" },
    { label: "int4", options: { loadIn4bit: true, quantType: "int4" }, file: "onnx/model_q4.onnx" },
  ];

  for (const { label, options, file } of cases) {
    it(`saves ${label} and loads it back without re-quantizing`, async () => {
      const sequences = promoterSequences(3);
      const { model } = await loadModelAndTokenizer(undefined, options);
      const directory = path.join(scratch, label.replace(/ /g, "-"));
      const saved = await model.save(directory);
      assert.equal(saved.onnxFile, file);
      assert.deepEqual([...saved.files].sort(), [file, "config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"].sort());
      const config = JSON.parse(fs.readFileSync(path.join(directory, "config.json"), "utf8")) as { quantization_config: Record<string, unknown>; hidden_size: number };
      assert.equal(config.quantization_config.quant_method, "dnaquant");
      assert.equal(config.quantization_config.onnx_file, file);
      assert.equal(config.hidden_size, 128, "the original config is kept");

      // This library: the stored weights are used as they are.
      const warnings: string[] = [];
      const reloaded = await loadModelAndTokenizer(directory, { warn: (message) => warnings.push(message) });
      assert.equal(reloaded.model.loadReport.preQuantized, true);
      assert.equal(reloaded.model.scheme, model.scheme);
      assert.deepEqual(reloaded.model.getMemoryFootprint(), model.getMemoryFootprint());
      assert.deepEqual(reloaded.model.layers.map((layer) => layer.histogram), model.layers.map((layer) => layer.histogram));
      assert.deepEqual(await reloaded.model.embed(sequences), await model.embed(sequences));

      // Plain onnxruntime-node: the file runs with the token inputs alone.
      const session = await ort.InferenceSession.create(path.join(directory, file));
      const batch = reloaded.tokenizer.encodeBatch(sequences.slice(0, 1));
      const dims = [1, batch.sequenceLength];
      const outputs = await session.run({
        input_ids: new ort.Tensor("int64", batch.inputIds, dims),
        attention_mask: new ort.Tensor("int64", batch.attentionMask, dims),
        token_type_ids: new ort.Tensor("int64", batch.tokenTypeIds, dims),
      });
      const [ours] = await reloaded.model.tokenLogits(sequences.slice(0, 1));
      assert.deepEqual(outputs.logits!.data, ours!.logits);
      await Promise.all([session.release(), model.dispose(), reloaded.model.dispose()]);

      // Asking for another scheme on a quantized file warns and keeps the stored weights.
      const again = await loadModelAndTokenizer(directory, { loadIn8bit: true, warn: (message) => warnings.push(message) });
      assert.match(warnings.at(-1)!, /is already quantized; the requested int8 scheme is ignored/);
      await again.model.dispose();
    });
  }

  it("refuses a non-empty directory unless overwrite is set", async () => {
    const { model } = await loadModelAndTokenizer(undefined, { loadIn4bit: true });
    const directory = path.join(scratch, "existing");
    fs.mkdirSync(directory);
    fs.writeFileSync(path.join(directory, "notes.txt"), "keep me");
    await assert.rejects(model.save(directory), /Cannot save to .*existing: the directory is not empty. Pass \{ overwrite: true \}/);
    assert.equal(fs.readFileSync(path.join(directory, "notes.txt"), "utf8"), "keep me");
    await model.save(directory, { overwrite: true });
    assert.equal(fs.existsSync(path.join(directory, "notes.txt")), false);
    assert.ok(fs.existsSync(path.join(directory, "onnx", "model_bnb4.onnx")));
    assert.deepEqual(fs.readdirSync(scratch).filter((name) => name.startsWith("existing.")), [], "no staging or backup folder left");
    await model.dispose();
  });

  it("leaves nothing behind when a write fails", async () => {
    const { model } = await loadModelAndTokenizer(undefined, { loadIn4bit: true });
    const directory = path.join(scratch, "failed");
    // A BigInt in config.json makes JSON.stringify throw after the graph file was written.
    const graph = await (model as unknown as { rebuildGraph: () => Promise<never> }).rebuildGraph();
    assert.throws(() => saveModelFiles({ scheme: "nf4", graph, config: { bad: 1n }, quantizationConfig: {} }, directory), /BigInt/);
    assert.equal(fs.existsSync(directory), false);
    assert.deepEqual(fs.readdirSync(scratch).filter((name) => name.startsWith("failed")), []);
    await model.dispose();
  });

  it("keeps skipModules layers in fp32", async () => {
    const { model } = await loadModelAndTokenizer(TAXONOMY_MODEL, { loadIn4bit: true, skipModules: ["pooler", "classifier"] });
    const kept = model.layers.filter((layer) => layer.scheme === "fp32").map((layer) => layer.name);
    assert.deepEqual(kept, ["/pooler/Gemm", "/classifier/Gemm"]);
    assert.deepEqual(
      model.loadReport.skipped.map((entry) => entry.name),
      ["/pooler/Gemm", "/classifier/Gemm"],
    );
    assert.ok(model.loadReport.skipped.every((entry) => entry.reason === "matched skipModules"));
    assert.equal(model.loadReport.quantizedLayers, 16);
    await model.dispose();
  });
});
