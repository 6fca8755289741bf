import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { loadModel, loadModelAndTokenizer } from "../../../kernel/src";
import { HubServer } from "../../helpers/hub-server";
import { BUNDLED_MODEL, FIXTURES_DIR } from "../../helpers/paths";
import { standardNormal } from "../../helpers/random";

const WAKE_WORD_MODEL = path.join(FIXTURES_DIR, "onnx", "openwakeword_hello_deepa.onnx");
const WAKE_WORD_INPUT = "onnx::Flatten_0";

describe("model sources", () => {
  it("loads an .onnx path with its tokenizer beside it", async () => {
    const { model, tokenizer } = await loadModelAndTokenizer(path.join(BUNDLED_MODEL, "model.onnx"), { loadIn8bit: true });
    assert.equal(model.name, "tiny-dnabert2");
    assert.equal(tokenizer.encode("AC").length, 4);
    assert.equal(model.loadReport.file, path.join(BUNDLED_MODEL, "model.onnx"));
    await model.dispose();
  });

  it("runs a model without token inputs on plain tensors", async () => {
    const fp32 = await loadModel(WAKE_WORD_MODEL);
    const int8 = await loadModel(WAKE_WORD_MODEL, { loadIn8bit: true });
    assert.equal(fp32.tokenizer, undefined);
    assert.equal(int8.loadReport.quantizedLayers, 3, "three Gemm weights");
    const data = standardNormal(25 * 96, 9);
    const [reference, quantized] = await Promise.all([fp32.run({ [WAKE_WORD_INPUT]: { data, dims: [1, 25, 96] } }), int8.run({ [WAKE_WORD_INPUT]: { data, dims: [1, 25, 96] } })]);
    const expected = (Object.values(reference)[0]!.data as Float32Array)[0]!;
    const actual = (Object.values(quantized)[0]!.data as Float32Array)[0]!;
    assert.ok(expected > 0 && expected < 1, "sigmoid output");
    assert.ok(Math.abs(actual - expected) < 0.05, `int8 ${actual} vs fp32 ${expected}`);
    await assert.rejects(fp32.embed(["ACGT"]), /has no tokenizer, so DNA tasks cannot run; use model.run/);
    await assert.rejects(fp32.run({ wrong: { data, dims: [1, 25, 96] } }), /This model has no input "wrong"; its inputs are onnx::Flatten_0/);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  });

  it("requires a tokenizer in loadModelAndTokenizer", async () => {
    await assert.rejects(loadModelAndTokenizer(WAKE_WORD_MODEL), /No tokenizer.json for .*openwakeword_hello_deepa.onnx.*use loadModel and model.run/);
  });

  it("loads a named ONNX file of a directory", async () => {
    await assert.rejects(loadModelAndTokenizer(BUNDLED_MODEL, { onnxFile: "onnx/model_q4.onnx" }), /ONNX file onnx\/model_q4.onnx not found in .*tiny-dnabert2. Check the onnxFile option; the directory has model.onnx/);
  });
});

describe("Hugging Face model ids", () => {
  let hub: HubServer;
  let cache: string;
  const saved = { ...process.env };

  before(async () => {
    const files = new Map<string, Buffer>();
    for (const name of ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) files.set(name, fs.readFileSync(path.join(BUNDLED_MODEL, name)));
    files.set("onnx/model.onnx", fs.readFileSync(path.join(BUNDLED_MODEL, "model.onnx")));
    hub = await HubServer.start([{ repoId: "dnaquant-test/tiny-dnabert2", commit: "a".repeat(40), files }]);
    cache = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-hf-cache-"));
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HUB_CACHE = cache;
    delete process.env.HF_HUB_OFFLINE;
    delete process.env.HF_TOKEN;
  });

  after(async () => {
    for (const key of ["HF_ENDPOINT", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_TOKEN"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await hub.close();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it("downloads into the cache, then loads offline", async () => {
    const progress: number[] = [];
    const first = await loadModelAndTokenizer("dnaquant-test/tiny-dnabert2", { loadIn4bit: true, onProgress: (event) => progress.push(event.bytesDone) });
    assert.equal(first.model.name, "dnaquant-test/tiny-dnabert2");
    assert.equal(first.model.loadReport.hub?.commit, "a".repeat(40));
    assert.ok(first.model.loadReport.hub!.downloaded.includes("onnx/model.onnx"));
    assert.ok(progress.length > 0);
    const [embedding] = await first.model.embed(["ACGTACGT"]);
    assert.equal(embedding!.length, 128);
    await first.model.dispose();

    process.env.HF_HUB_OFFLINE = "1";
    const requestsBefore = hub.requests.length;
    const second = await loadModelAndTokenizer("dnaquant-test/tiny-dnabert2");
    assert.equal(hub.requests.length, requestsBefore, "no request in offline mode");
    assert.deepEqual(second.model.loadReport.hub?.downloaded, []);
    await second.model.dispose();
    delete process.env.HF_HUB_OFFLINE;
  });

  it("names a model id missing from an offline cache", async () => {
    process.env.HF_HUB_OFFLINE = "1";
    await assert.rejects(loadModelAndTokenizer("dnaquant-test/absent-model"), /dnaquant-test\/absent-model.*HF_HUB_OFFLINE/s);
    delete process.env.HF_HUB_OFFLINE;
  });
});
