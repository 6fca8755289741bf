import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

import {
  DEFAULT_HUB_ENDPOINT,
  DEFAULT_HUB_TIMEOUT_MS,
  offlineVariable,
  resolveHubCacheDir,
  resolveHubEndpoint,
  resolveHubTimeout,
  resolveHubToken,
  type HubEnvironment,
} from "../../../kernel/src/model";

const HOME = "/home/tester";

describe("model/sources", () => {
  describe("resolveHubCacheDir", () => {
    it("follows huggingface_hub's precedence", () => {
      const cases: [HubEnvironment, string][] = [
        [{ HOME, HF_HUB_CACHE: "/a", HUGGINGFACE_HUB_CACHE: "/b", HF_HOME: "/c", XDG_CACHE_HOME: "/d" }, "/a"],
        [{ HOME, HUGGINGFACE_HUB_CACHE: "/b", HF_HOME: "/c", XDG_CACHE_HOME: "/d" }, "/b"],
        [{ HOME, HF_HOME: "/c", XDG_CACHE_HOME: "/d" }, "/c/hub"],
        [{ HOME, XDG_CACHE_HOME: "/d" }, "/d/huggingface/hub"],
        [{ HOME }, "/home/tester/.cache/huggingface/hub"],
        [{ HOME, HF_HUB_CACHE: "", HF_HOME: "  " }, "/home/tester/.cache/huggingface/hub"],
      ];
      for (const [env, expected] of cases) assert.equal(resolveHubCacheDir(env), expected, JSON.stringify(env));
    });

    it("expands ~ and resolves relative paths", () => {
      assert.equal(resolveHubCacheDir({ HOME, HF_HUB_CACHE: "~/hf-cache" }), "/home/tester/hf-cache");
      assert.equal(resolveHubCacheDir({ HOME, HF_HOME: "~" }), "/home/tester/hub");
      assert.equal(resolveHubCacheDir({ HOME, HF_HUB_CACHE: "relative/cache" }), path.resolve("relative/cache"));
    });
  });

  describe("offlineVariable", () => {
    it("reads HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE", () => {
      for (const value of ["1", "true", "TRUE", "yes", "On", " 1 "]) {
        assert.equal(offlineVariable({ HF_HUB_OFFLINE: value }), "HF_HUB_OFFLINE", value);
      }
      assert.equal(offlineVariable({ TRANSFORMERS_OFFLINE: "1" }), "TRANSFORMERS_OFFLINE");
      for (const value of ["0", "false", "no", "", "offline"]) {
        assert.equal(offlineVariable({ HF_HUB_OFFLINE: value }), undefined, value);
      }
      assert.equal(offlineVariable({}), undefined);
    });
  });

  describe("resolveHubEndpoint", () => {
    it("prefers the option, then HF_ENDPOINT", () => {
      assert.equal(resolveHubEndpoint({}), DEFAULT_HUB_ENDPOINT);
      assert.equal(resolveHubEndpoint({ HF_ENDPOINT: "http://127.0.0.1:8080/" }), "http://127.0.0.1:8080");
      assert.equal(resolveHubEndpoint({ HF_ENDPOINT: "http://127.0.0.1:8080" }, "https://hf-mirror.example//"), "https://hf-mirror.example");
    });

    it("rejects what is not an http URL", () => {
      assert.throws(() => resolveHubEndpoint({ HF_ENDPOINT: "huggingface.co" }), {
        name: "RangeError",
        message: 'HF_ENDPOINT must be an http or https URL such as https://huggingface.co, got "huggingface.co".',
      });
      assert.throws(() => resolveHubEndpoint({}, "ftp://mirror"), { name: "RangeError", message: /^endpoint must be an http or https URL/ });
    });
  });

  describe("resolveHubToken", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-token-"));
    const hfHome = path.join(home, "hf");
    fs.mkdirSync(hfHome);
    fs.writeFileSync(path.join(hfHome, "token"), "hf_fromFile\n");
    fs.writeFileSync(path.join(home, "other-token"), "hf_fromTokenPath");
    const base = { HOME: home, HF_HOME: hfHome };
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    it("follows the precedence", () => {
      assert.deepEqual(resolveHubToken({ ...base, HF_TOKEN: "hf_env" }, "hf_option"), { token: "hf_option", source: "the token option" });
      assert.deepEqual(resolveHubToken({ ...base, HF_TOKEN: "hf_env", HUGGING_FACE_HUB_TOKEN: "hf_old" }), { token: "hf_env", source: "HF_TOKEN" });
      assert.deepEqual(resolveHubToken({ ...base, HUGGING_FACE_HUB_TOKEN: "hf_old" }), { token: "hf_old", source: "HUGGING_FACE_HUB_TOKEN" });
      assert.deepEqual(resolveHubToken({ ...base, HF_TOKEN_PATH: path.join(home, "other-token") }), {
        token: "hf_fromTokenPath",
        source: `the token file ${path.join(home, "other-token")}`,
      });
      assert.deepEqual(resolveHubToken(base), { token: "hf_fromFile", source: `the token file ${path.join(hfHome, "token")}` });
    });

    it("sends none when disabled or absent", () => {
      assert.equal(resolveHubToken({ ...base, HF_TOKEN: "hf_env" }, false), undefined);
      assert.equal(resolveHubToken({ HOME: home, HF_HOME: path.join(home, "empty") }), undefined);
    });
  });

  describe("resolveHubTimeout", () => {
    it("reads HF_HUB_DOWNLOAD_TIMEOUT in seconds", () => {
      assert.equal(resolveHubTimeout({}), DEFAULT_HUB_TIMEOUT_MS);
      assert.equal(resolveHubTimeout({ HF_HUB_DOWNLOAD_TIMEOUT: "2.5" }), 2500);
    });

    it("rejects a value that is not positive", () => {
      for (const value of ["0", "-1", "soon"]) {
        assert.throws(() => resolveHubTimeout({ HF_HUB_DOWNLOAD_TIMEOUT: value }), {
          name: "RangeError",
          message: `HF_HUB_DOWNLOAD_TIMEOUT must be a positive number of seconds, got ${JSON.stringify(value)}.`,
        });
      }
    });
  });
});
