import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

import { resolveHubModel, type ResolveHubModelOptions } from "../../../kernel/src/model";

// Every call sets offline mode and an endpoint on 127.0.0.1 port 9 (discard), so that a check
// that failed to reject could not reach any hub.
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-options-"));
const env = { HF_HUB_CACHE: cacheDir, HF_HOME: cacheDir, HF_HUB_OFFLINE: "1", HF_ENDPOINT: "http://127.0.0.1:9" };

describe("model/sources", () => {
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  describe("resolveHubModel", () => {
    it("rejects options of the wrong type", async () => {
      const cases: [unknown, RegExp][] = [
        ["options", /^options must be an object, got string\.$/],
        [{ revision: 3 }, /^revision must be a string/],
        [{ onnxFile: 1 }, /^onnxFile must be a string such as "onnx\/model\.onnx", got number\.$/],
        [{ cacheDir: 1 }, /^cacheDir must be a folder path, got number\.$/],
        [{ offline: "yes" }, /^offline must be true or false, got string\.$/],
        [{ endpoint: 80 }, /^endpoint must be a URL such as "https:\/\/huggingface\.co", got number\.$/],
        [{ token: true }, /^token must be a string or false, got boolean\.$/],
        [{ onProgress: "log" }, /^onProgress must be a function, got string\.$/],
        [{ warn: console }, /^warn must be a function, got object\.$/],
        [{ env: null }, /^env must be an object of environment variables such as process\.env, got null\.$/],
      ];
      for (const [options, message] of cases) {
        const withEnv = typeof options === "object" && options !== null && !("env" in options) ? { ...options, env } : options;
        await assert.rejects(resolveHubModel("owner/name", withEnv as ResolveHubModelOptions), { name: "TypeError", message }, JSON.stringify(options));
      }
    });

    it("rejects values outside the allowed set", async () => {
      const cases: [ResolveHubModelOptions, RegExp][] = [
        [{ revision: "../main" }, /^revision "\.\.\/main" is not a valid git revision/],
        [{ onnxFile: "../model.onnx" }, /^onnxFile must be a "\/"-separated path inside the repository ending in "\.onnx", .* got "\.\.\/model\.onnx"\.$/],
        [{ onnxFile: "onnx/model.safetensors" }, /got "onnx\/model\.safetensors"/],
        [{ timeout: 0 }, /^timeout must be a positive number of milliseconds, got 0\.$/],
        [{ timeout: Number.NaN }, /got NaN/],
        [{ endpoint: "localhost:8080" }, /^endpoint must be an http or https URL/],
      ];
      for (const [options, message] of cases) {
        await assert.rejects(resolveHubModel("owner/name", { ...options, env }), { name: "RangeError", message }, JSON.stringify(options));
      }
    });
  });
});
