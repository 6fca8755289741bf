import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import { HUB_ONNX_CANDIDATES, formatDownloadProgress } from "../../../kernel/src/model";
import { listOnnxFiles, listSnapshotFiles, planModelFiles, selectExternalData, selectOnnxFile } from "../../../kernel/src/model/sources/repo-files";

describe("model/sources", () => {
  describe("selectOnnxFile", () => {
    it("takes the candidates in the local order", () => {
      assert.deepEqual(HUB_ONNX_CANDIDATES, ["model.onnx", "onnx/model.onnx"]);
      assert.equal(selectOnnxFile(new Set(["onnx/model.onnx", "model.onnx"])), "model.onnx");
      assert.equal(selectOnnxFile(new Set(["onnx/model.onnx", "onnx/model_quantized.onnx"])), "onnx/model.onnx");
      assert.equal(selectOnnxFile(new Set(["onnx/model_q4.onnx"])), undefined);
    });

    it("takes a requested file only", () => {
      const files = new Set(["onnx/model.onnx", "onnx/model_bnb4.onnx"]);
      assert.equal(selectOnnxFile(files, "onnx/model_bnb4.onnx"), "onnx/model_bnb4.onnx");
      assert.equal(selectOnnxFile(files, "onnx/model_q4.onnx"), undefined);
    });
  });

  describe("selectExternalData", () => {
    it("orders the chunks of one graph", () => {
      const files = [
        "onnx/model.onnx",
        "onnx/model.onnx_data_10",
        "onnx/model.onnx_data_2",
        "onnx/model.onnx_data",
        "onnx/model.onnx_data_1",
        "onnx/model_fp16.onnx_data",
        "model.onnx_data",
        "onnx/model.onnx_data_01",
        "onnx/model.onnx_database",
      ];
      assert.deepEqual(selectExternalData(files, "onnx/model.onnx"), [
        "onnx/model.onnx_data",
        "onnx/model.onnx_data_1",
        "onnx/model.onnx_data_2",
        "onnx/model.onnx_data_10",
      ]);
    });

    it("finds the .data form", () => {
      assert.deepEqual(selectExternalData(["model.onnx", "model.onnx.data"], "model.onnx"), ["model.onnx.data"]);
    });

    it("escapes the graph name", () => {
      assert.deepEqual(selectExternalData(["model+onnx_data", "model.onnx_data"], "model.onnx"), ["model.onnx_data"]);
    });
  });

  describe("planModelFiles", () => {
    it("lists what the loader needs", () => {
      const plan = planModelFiles(new Set(["README.md", "config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model.onnx_data"]));
      assert.deepEqual(plan, {
        onnxFile: "onnx/model.onnx",
        externalData: ["onnx/model.onnx_data"],
        supportFiles: ["tokenizer.json", "config.json"],
        absentOptionalFiles: ["tokenizer_config.json", "special_tokens_map.json"],
      });
    });

    it("returns undefined without a graph", () => {
      assert.equal(planModelFiles(new Set(["tokenizer.json"])), undefined);
    });
  });

  describe("listOnnxFiles", () => {
    it("sorts the graphs", () => {
      assert.deepEqual(listOnnxFiles(["onnx/model_q4.onnx", "config.json", "onnx/model.onnx_data", "onnx/model.onnx"]), ["onnx/model.onnx", "onnx/model_q4.onnx"]);
    });
  });

  describe("listSnapshotFiles", () => {
    it("follows links and skips dangling ones", () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-snapshot-"));
      try {
        fs.mkdirSync(path.join(directory, "blobs"));
        fs.mkdirSync(path.join(directory, "snapshot", "onnx"), { recursive: true });
        fs.writeFileSync(path.join(directory, "blobs", "present"), "x");
        fs.symlinkSync("../../blobs/present", path.join(directory, "snapshot", "onnx", "model.onnx"));
        fs.symlinkSync("../blobs/deleted", path.join(directory, "snapshot", "config.json"));
        fs.writeFileSync(path.join(directory, "snapshot", "tokenizer.json"), "{}");

        assert.deepEqual([...listSnapshotFiles(path.join(directory, "snapshot"))].sort(), ["onnx/model.onnx", "tokenizer.json"]);
        assert.equal(listSnapshotFiles(path.join(directory, "missing")).size, 0);
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });
  });

  describe("formatDownloadProgress", () => {
    it("shows megabytes and percent", () => {
      assert.equal(
        formatDownloadProgress({ modelId: "owner/name", file: "onnx/model.onnx", bytesDone: 1_500_000, bytesTotal: 4_340_621 }),
        "owner/name onnx/model.onnx: 1.5 MB of 4.3 MB (34%)",
      );
      assert.equal(formatDownloadProgress({ modelId: "owner/name", file: "config.json", bytesDone: 767, bytesTotal: undefined }), "owner/name config.json: 0.0 MB");
    });
  });
});
