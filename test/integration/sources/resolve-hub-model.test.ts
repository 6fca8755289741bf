import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";

import { HubModelError, loadModelAndTokenizer, resolveHubModel, type DownloadProgress, type HubEnvironment } from "../../../kernel/src";
import { BUNDLED_MODEL } from "../../helpers/paths";
import { HubServer, closedPort, gitBlobSha1, sha256, startSilentServer, type HubRepo } from "../../helpers/hub-server";

const PUBLIC_ID = "dnaquant-test/tiny-dnabert2";
const PRIVATE_ID = "dnaquant-test/tiny-dnabert2-private";
const QUANTIZED_ONLY_ID = "dnaquant-test/quantized-only";
const EXTERNAL_DATA_ID = "dnaquant-test/external-data";
const TOKEN = "hf_dnaquantTestToken0123456789";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const OTHER_COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

const read = (name: string): Buffer => fs.readFileSync(path.join(BUNDLED_MODEL, name));
const SUPPORT_FILES = ["tokenizer.json", "config.json", "tokenizer_config.json", "special_tokens_map.json"];
const MODEL_BYTES = read("model.onnx");

/** Returns the bundled model's files in the transformers.js layout, with a README the loader does not need. */
function bundledModelFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>(SUPPORT_FILES.map((name) => [name, read(name)]));
  files.set("onnx/model.onnx", MODEL_BYTES);
  files.set("README.md", read("README.md"));
  return files;
}

const REPOS: HubRepo[] = [
  { repoId: PUBLIC_ID, commit: COMMIT, files: bundledModelFiles() },
  { repoId: PRIVATE_ID, commit: OTHER_COMMIT, files: bundledModelFiles(), token: TOKEN },
  {
    repoId: QUANTIZED_ONLY_ID,
    commit: COMMIT,
    files: new Map([...SUPPORT_FILES.map((name): [string, Buffer] => [name, read(name)]), ["onnx/model_quantized.onnx", MODEL_BYTES]]),
  },
  {
    repoId: EXTERNAL_DATA_ID,
    commit: COMMIT,
    files: new Map([
      ...SUPPORT_FILES.map((name): [string, Buffer] => [name, read(name)]),
      ["onnx/model.onnx", MODEL_BYTES],
      ["onnx/model.onnx_data_1", Buffer.from("second chunk")],
      ["onnx/model.onnx_data", Buffer.from("first chunk")],
      ["onnx/model_fp16.onnx", Buffer.from("another graph")],
      ["onnx/model_fp16.onnx_data", Buffer.from("data of another graph")],
    ]),
  },
];

describe("resolveHubModel against a hub on 127.0.0.1", () => {
  let hub: HubServer;
  let root: string;
  let cacheDir: string;
  let home: string;

  before(async () => {
    hub = await HubServer.start(REPOS);
  });
  after(async () => {
    await hub.close();
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-hub-"));
    cacheDir = path.join(root, "hub-cache");
    home = path.join(root, "home");
    fs.mkdirSync(home);
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /**
   * Environment of one call: the temporary cache and home, and always an endpoint on 127.0.0.1,
   * so that no call can reach huggingface.co even when offline mode fails.
   */
  function hubEnv(overrides: Record<string, string> = {}): HubEnvironment {
    return { HF_HUB_CACHE: cacheDir, HF_HOME: path.join(home, "hf"), HOME: home, HF_ENDPOINT: hub.endpoint, ...overrides };
  }

  async function rejection(promise: Promise<unknown>): Promise<HubModelError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof HubModelError, `expected a HubModelError, got ${String(error)}`);
      return error;
    }
    assert.fail("expected the promise to reject");
  }

  describe("download into an empty cache", () => {
    it("places files as the hub client does", async () => {
      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });

      const repoDir = path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2");
      assert.equal(resolved.commit, COMMIT);
      assert.equal(resolved.directory, path.join(repoDir, "snapshots", COMMIT));
      assert.equal(resolved.onnxPath, path.join(resolved.directory, "onnx", "model.onnx"));
      assert.equal(resolved.configPath, path.join(resolved.directory, "config.json"));
      assert.deepEqual(resolved.externalDataPaths, []);
      assert.deepEqual(resolved.downloaded, [...SUPPORT_FILES, "onnx/model.onnx"]);
      assert.equal(fs.readFileSync(path.join(repoDir, "refs", "main"), "utf8"), COMMIT);

      // Small files are named by their git blob hash, the graph by its SHA-256 (X-Linked-Etag).
      assert.equal(fs.readlinkSync(resolved.onnxPath), path.join("..", "..", "..", "blobs", sha256(MODEL_BYTES)));
      assert.equal(fs.readlinkSync(path.join(resolved.directory, "tokenizer.json")), path.join("..", "..", "blobs", gitBlobSha1(read("tokenizer.json"))));
      assert.ok(fs.readFileSync(resolved.onnxPath).equals(MODEL_BYTES));
      for (const name of SUPPORT_FILES) assert.ok(fs.readFileSync(path.join(resolved.directory, name)).equals(read(name)), name);

      assert.equal(fs.existsSync(path.join(resolved.directory, "README.md")), false);
      assert.deepEqual(fs.readdirSync(path.join(repoDir, "blobs")).filter((name) => name.endsWith(".incomplete")), []);
    });

    it("sends no token to the file storage", async () => {
      const before = hub.requests.length;
      await resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_TOKEN: TOKEN }) });
      const requests = hub.requests.slice(before);

      assert.ok(requests.filter((request) => request.server === "hub").every((request) => request.authorization === `Bearer ${TOKEN}`));
      const storageRequests = requests.filter((request) => request.server === "storage");
      assert.equal(storageRequests.length, 1);
      assert.equal(storageRequests[0]!.authorization, undefined);
    });

    it("reports increasing byte counts", async () => {
      const events: DownloadProgress[] = [];
      await resolveHubModel(PUBLIC_ID, { env: hubEnv(), onProgress: (event) => events.push(event) });

      const graph = events.filter((event) => event.file === "onnx/model.onnx");
      assert.ok(graph.length >= 3, `expected several progress events for the graph, got ${graph.length}`);
      assert.equal(graph[0]!.bytesDone, 0);
      for (let i = 1; i < graph.length; i++) {
        assert.ok(graph[i]!.bytesDone > graph[i - 1]!.bytesDone, `event ${i}: ${graph[i]!.bytesDone} after ${graph[i - 1]!.bytesDone}`);
      }
      assert.equal(graph.at(-1)!.bytesDone, MODEL_BYTES.length);
      assert.ok(graph.every((event) => event.bytesTotal === MODEL_BYTES.length && event.modelId === PUBLIC_ID));
    });

    it("resolves a commit hash as revision", async () => {
      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv(), revision: COMMIT });

      assert.equal(resolved.commit, COMMIT);
      assert.equal(fs.existsSync(path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2", "refs")), false);
    });
  });

  describe("the cache", () => {
    it("serves a second call without requests", async () => {
      await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      const before = hub.requests.length;

      const again = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });

      assert.equal(hub.requests.length, before);
      assert.deepEqual(again.downloaded, []);
      assert.ok(fs.readFileSync(again.onnxPath).equals(MODEL_BYTES));
    });

    it("works offline with a warm cache", async () => {
      await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      const port = await closedPort();
      const before = hub.requests.length;

      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_HUB_OFFLINE: "1", HF_ENDPOINT: `http://127.0.0.1:${port}` }) });

      assert.equal(resolved.commit, COMMIT);
      assert.equal(hub.requests.length, before);
    });

    it("fails offline with a cold cache", async () => {
      const before = hub.requests.length;

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_HUB_OFFLINE: "true" }) }));

      assert.equal(error.code, "not-cached");
      assert.match(error.message, /Model dnaquant-test\/tiny-dnabert2 \(revision main\) is not in the cache at .*models--dnaquant-test--tiny-dnabert2/);
      assert.match(error.message, /Run once online to download it: unset HF_HUB_OFFLINE\./);
      assert.equal(hub.requests.length, before);
    });

    it("fails offline when the snapshot lacks the graph", async () => {
      const warm = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      fs.unlinkSync(warm.onnxPath);

      const error = await rejection(resolveHubModel(PUBLIC_ID, { offline: true, env: hubEnv() }));

      assert.equal(error.code, "incomplete-cache");
      assert.ok(error.message.includes(`The cached snapshot ${warm.directory} of ${PUBLIC_ID} has no ONNX model: looked for model.onnx and onnx/model.onnx`), error.message);
      assert.match(error.message, /pass offline: false/);
    });

    it("fails offline without tokenizer.json", async () => {
      const warm = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      fs.unlinkSync(path.join(warm.directory, "tokenizer.json"));

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_HUB_OFFLINE: "1" }) }));

      assert.equal(error.code, "incomplete-cache");
      assert.equal(error.file, "tokenizer.json");
      assert.ok(error.message.startsWith(`The cached snapshot ${warm.directory} of ${PUBLIC_ID} has no tokenizer.json, and offline mode is on (HF_HUB_OFFLINE).`), error.message);
    });

    it("restores a missing graph from its cached blob", async () => {
      const warm = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      fs.unlinkSync(warm.onnxPath);
      const before = hub.requestsTo("storage").length;

      const repaired = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });

      assert.deepEqual(repaired.downloaded, []);
      assert.ok(fs.readFileSync(repaired.onnxPath).equals(MODEL_BYTES));
      assert.equal(hub.requestsTo("storage").length, before, "the blob was cached, so the file storage is not asked again");
    });
  });

  describe("a hub that cannot be reached", () => {
    it("names the endpoint on a closed port", async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_ENDPOINT: endpoint }) }));

      assert.equal(error.code, "hub-unreachable");
      assert.ok(error.message.startsWith(`Could not reach the Hugging Face hub at ${endpoint} for ${PUBLIC_ID} (`), error.message);
      assert.match(error.message, /ECONNREFUSED/);
      assert.match(error.message, /set HF_ENDPOINT to a hub or mirror that can be reached, or set HF_HUB_OFFLINE=1/);
    });

    it("fails offline on a closed port with a cold cache", async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_ENDPOINT: endpoint, HF_HUB_OFFLINE: "1" }) }));

      assert.equal(error.code, "not-cached");
    });

    it("falls back to a usable snapshot", async () => {
      const warm = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      // Without special_tokens_map.json the snapshot is usable but not known to be complete.
      fs.unlinkSync(path.join(warm.directory, "special_tokens_map.json"));
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const warnings: string[] = [];

      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_ENDPOINT: endpoint }), warn: (message) => warnings.push(message) });

      assert.equal(resolved.onnxPath, warm.onnxPath);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^Could not reach the Hugging Face hub at .* Using the cached snapshot .*snapshots\/0123456789abcdef/);
    });

    it("times out on a silent hub", async () => {
      const silent = await startSilentServer();
      try {
        const started = Date.now();
        const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_ENDPOINT: silent.endpoint }), timeout: 200 }));

        assert.equal(error.code, "hub-unreachable");
        assert.match(error.message, /\(timed out after 200 ms without a response;/);
        assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms`);
      } finally {
        await silent.close();
      }
    });
  });

  describe("authentication", () => {
    it("asks for HF_TOKEN without a token", async () => {
      const error = await rejection(resolveHubModel(PRIVATE_ID, { env: hubEnv() }));

      assert.equal(error.code, "unauthorized");
      assert.equal(error.status, 401);
      assert.match(error.message, /requires authentication for dnaquant-test\/tiny-dnabert2-private \(HTTP 401: Access to model .* is restricted/);
      assert.match(error.message, /Set HF_TOKEN to an access token with read access/);
    });

    it("downloads with HF_TOKEN", async () => {
      const resolved = await resolveHubModel(PRIVATE_ID, { env: hubEnv({ HF_TOKEN: TOKEN }) });

      assert.equal(resolved.commit, OTHER_COMMIT);
      assert.ok(fs.readFileSync(resolved.onnxPath).equals(MODEL_BYTES));
    });

    it("reads the token file of HF_HOME", async () => {
      fs.mkdirSync(path.join(home, "hf"), { recursive: true });
      fs.writeFileSync(path.join(home, "hf", "token"), `${TOKEN}\n`);

      const resolved = await resolveHubModel(PRIVATE_ID, { env: hubEnv() });

      assert.equal(resolved.commit, OTHER_COMMIT);
    });

    it("names a rejected token without printing it", async () => {
      const error = await rejection(resolveHubModel(PRIVATE_ID, { env: hubEnv({ HF_TOKEN: "hf_wrongToken" }) }));

      assert.equal(error.code, "unauthorized");
      assert.match(error.message, /rejected the token from HF_TOKEN .*Invalid credentials in Authorization header/);
      assert.equal(error.message.includes("hf_wrongToken"), false);
    });
  });

  describe("an interrupted download", () => {
    it("leaves no partial file, then succeeds", async () => {
      hub.interruptNextDownload("onnx/model.onnx", 1_000_000);
      const repoDir = path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2");

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv() }));

      assert.equal(error.code, "download-failed");
      assert.equal(error.file, "onnx/model.onnx");
      assert.match(error.message, /^The download of onnx\/model.onnx of dnaquant-test\/tiny-dnabert2 from http:\/\/127\.0\.0\.1:\d+\/dnaquant-test\/tiny-dnabert2\/resolve\/0123456789abcdef0123456789abcdef01234567\/onnx\/model\.onnx, redirected to http:\/\/127\.0\.0\.1:\d+ failed \(other side closed\)/);
      assert.match(error.message, /nothing was cached\. Run again to retry\.$/);
      const blobs = fs.readdirSync(path.join(repoDir, "blobs"));
      assert.deepEqual(blobs.filter((name) => name.includes(".incomplete") || name === sha256(MODEL_BYTES)), []);
      assert.equal(fs.existsSync(path.join(repoDir, "snapshots", COMMIT, "onnx", "model.onnx")), false);

      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });

      assert.deepEqual(resolved.downloaded, ["onnx/model.onnx"]);
      assert.ok(fs.readFileSync(resolved.onnxPath).equals(MODEL_BYTES));
    });

    it("recovers after a killed process", async () => {
      hub.interruptNextDownload("onnx/model.onnx", 1_000_000, "stall");
      const blobsDir = path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2", "blobs");
      const downloadedBytes = (): number => {
        const names = fs.existsSync(blobsDir) ? fs.readdirSync(blobsDir) : [];
        const partial = names.find((name) => name.startsWith(`${sha256(MODEL_BYTES)}.`) && name.endsWith(".incomplete"));
        return partial === undefined ? 0 : fs.statSync(path.join(blobsDir, partial)).size;
      };
      const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "resolve-in-child.ts"), PUBLIC_ID, JSON.stringify(hubEnv())], {
        env: { PATH: process.env.PATH ?? "", HOME: home },
        stdio: "ignore",
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
      try {
        // Wait until the child has written the first part of the graph, then kill it.
        const deadline = Date.now() + 20_000;
        while (downloadedBytes() < 1_000_000) {
          assert.ok(Date.now() < deadline, "the child did not start the download within 20 s");
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        child.kill("SIGKILL");
      }
      assert.equal(await exited, "SIGKILL");
      assert.equal(downloadedBytes(), 1_000_000, "the killed process left its partial download");
      assert.equal(fs.existsSync(path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2", "snapshots", COMMIT, "onnx", "model.onnx")), false);

      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });

      assert.deepEqual(resolved.downloaded, ["onnx/model.onnx"]);
      assert.ok(fs.readFileSync(resolved.onnxPath).equals(MODEL_BYTES));
      assert.deepEqual(fs.readdirSync(blobsDir).filter((name) => name.endsWith(".incomplete")), []);
    });

    it("keeps concurrent downloads whole", async () => {
      const [first, second] = await Promise.all([resolveHubModel(PUBLIC_ID, { env: hubEnv() }), resolveHubModel(PUBLIC_ID, { env: hubEnv() })]);

      assert.equal(first.onnxPath, second.onnxPath);
      assert.ok(fs.readFileSync(first.onnxPath).equals(MODEL_BYTES));
      const blobsDir = path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2", "blobs");
      assert.deepEqual(fs.readdirSync(blobsDir).filter((name) => name.endsWith(".incomplete")), []);
    });

    it("cleans up a small file served by the hub", async () => {
      hub.interruptNextDownload("tokenizer.json", 100);
      const repoDir = path.join(cacheDir, "models--dnaquant-test--tiny-dnabert2");

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv() }));

      assert.equal(error.code, "download-failed");
      assert.equal(error.file, "tokenizer.json");
      assert.deepEqual(fs.readdirSync(path.join(repoDir, "blobs")), []);
      assert.equal(fs.existsSync(path.join(repoDir, "snapshots")), false);

      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      assert.ok(fs.readFileSync(path.join(resolved.directory, "tokenizer.json")).equals(read("tokenizer.json")));
    });
  });

  describe("files the loader needs", () => {
    it("reports a model the hub does not have", async () => {
      const error = await rejection(resolveHubModel("dnaquant-test/no-such-model", { env: hubEnv() }));

      assert.equal(error.code, "not-found");
      assert.equal(error.status, 404);
      assert.ok(error.url?.endsWith("/api/models/dnaquant-test/no-such-model/revision/main"), error.url);
      assert.match(error.message, /^Model dnaquant-test\/no-such-model \(revision main\) was not found on the hub at http:\/\/127\.0\.0\.1:\d+ \(HTTP 404: Repository not found,/);
      assert.match(error.message, /No local folder .*dnaquant-test\/no-such-model exists either\.$/);
    });

    it("reports a server error", async () => {
      hub.failNextRequest(503, "Service temporarily unavailable");

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv() }));

      assert.equal(error.code, "http-error");
      assert.equal(error.status, 503);
      assert.match(error.message, /responded with HTTP 503: Service temporarily unavailable for dnaquant-test\/tiny-dnabert2 .* Try again later, or set HF_HUB_OFFLINE=1 to load from the cache at /);
    });

    it("reports a file storage error", async () => {
      hub.failNextRequest(403, "Request has expired", "storage");

      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv({ HF_TOKEN: TOKEN }) }));

      assert.equal(error.code, "http-error");
      assert.equal(error.file, "onnx/model.onnx");
      assert.match(error.message, /^The file storage at http:\/\/127\.0\.0\.1:\d+, to which the hub redirected the download of onnx\/model\.onnx of dnaquant-test\/tiny-dnabert2, responded with HTTP 403: Request has expired/);
      assert.equal(error.message.includes(TOKEN), false);
      assert.equal(error.message.includes("?file="), false, "the storage URL's query is left out");
    });

    it("reports an unknown revision", async () => {
      const error = await rejection(resolveHubModel(PUBLIC_ID, { env: hubEnv(), revision: "v9" }));

      assert.equal(error.code, "not-found");
      assert.match(error.message, /\(revision v9\) was not found .*HTTP 404: Invalid rev id: v9/);
    });

    it("lists the graphs a repository has", async () => {
      const error = await rejection(resolveHubModel(QUANTIZED_ONLY_ID, { env: hubEnv() }));

      assert.equal(error.code, "not-found");
      assert.match(error.message, /has no ONNX model: looked for model\.onnx and onnx\/model\.onnx\. The repository has onnx\/model_quantized\.onnx; pass one of them as onnxFile\./);
    });

    it("downloads the graph named by onnxFile", async () => {
      const resolved = await resolveHubModel(QUANTIZED_ONLY_ID, { env: hubEnv(), onnxFile: "onnx/model_quantized.onnx" });

      assert.equal(resolved.onnxPath, path.join(resolved.directory, "onnx", "model_quantized.onnx"));
      assert.deepEqual(resolved.downloaded, [...SUPPORT_FILES, "onnx/model_quantized.onnx"]);
    });

    it("downloads external data named after the graph", async () => {
      const resolved = await resolveHubModel(EXTERNAL_DATA_ID, { env: hubEnv() });

      assert.deepEqual(resolved.downloaded, [...SUPPORT_FILES, "onnx/model.onnx_data", "onnx/model.onnx_data_1", "onnx/model.onnx"]);
      assert.deepEqual(resolved.externalDataPaths, [
        path.join(resolved.directory, "onnx", "model.onnx_data"),
        path.join(resolved.directory, "onnx", "model.onnx_data_1"),
      ]);
      assert.equal(fs.readFileSync(resolved.externalDataPaths[1]!, "utf8"), "second chunk");

      const cached = await resolveHubModel(EXTERNAL_DATA_ID, { env: hubEnv({ HF_HUB_OFFLINE: "1" }) });
      assert.deepEqual(cached.externalDataPaths, resolved.externalDataPaths);
    });

    it("rejects a malformed id before any request", async () => {
      const before = hub.requests.length;

      await assert.rejects(resolveHubModel("owner/name/extra", { env: hubEnv() }), {
        name: "RangeError",
        message: /^modelId "owner\/name\/extra" is not a valid Hugging Face model id: it has 2 "\/" but at most one is allowed/,
      });
      assert.equal(hub.requests.length, before);
    });
  });

  describe("environment variables", () => {
    const NAMES = ["HF_HUB_CACHE", "HF_ENDPOINT", "HF_HUB_OFFLINE", "HF_HOME", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH"];
    let saved: Record<string, string | undefined>;
    beforeEach(() => {
      saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
      for (const name of NAMES) delete process.env[name];
    });
    afterEach(() => {
      for (const name of NAMES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it("reads process.env by default", async () => {
      process.env.HF_HUB_CACHE = cacheDir;
      process.env.HF_ENDPOINT = hub.endpoint;
      process.env.HF_HOME = path.join(home, "hf");

      const resolved = await resolveHubModel(PUBLIC_ID);

      assert.ok(resolved.directory.startsWith(cacheDir + path.sep), resolved.directory);
    });

    it("lets options beat variables", async () => {
      process.env.HF_HUB_CACHE = path.join(root, "unused-cache");
      process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
      process.env.HF_HUB_OFFLINE = "1";
      process.env.HF_HOME = path.join(home, "hf");

      const resolved = await resolveHubModel(PUBLIC_ID, { cacheDir, endpoint: hub.endpoint, offline: false });

      assert.ok(resolved.directory.startsWith(cacheDir + path.sep), resolved.directory);
      assert.equal(fs.existsSync(path.join(root, "unused-cache")), false);
    });
  });

  describe("loading the resolved folder", () => {
    it("embeds like the bundled model", async () => {
      const resolved = await resolveHubModel(PUBLIC_ID, { env: hubEnv() });
      const fromHub = await loadModelAndTokenizer(resolved.directory);
      const bundled = await loadModelAndTokenizer(BUNDLED_MODEL);
      try {
        const sequence = "ACGTTGCAACGTAGCTAGCTAGGATCCA";
        const [hubEmbedding] = await fromHub.model.embed([sequence]);
        const [bundledEmbedding] = await bundled.model.embed([sequence]);

        assert.equal(hubEmbedding!.length, 128);
        assert.ok(hubEmbedding!.every(Number.isFinite));
        assert.deepEqual(hubEmbedding, bundledEmbedding);
      } finally {
        await fromHub.model.dispose();
        await bundled.model.dispose();
      }
    });
  });
});
