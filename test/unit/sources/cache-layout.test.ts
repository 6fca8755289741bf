import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

import { RepoCache, blobNameFromEtag, isSafeRepoPath } from "../../../kernel/src/model/sources/cache-layout";
import { parseHubModelId } from "../../../kernel/src/model";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const BLOB = "a".repeat(64);

describe("model/sources", () => {
  describe("RepoCache", () => {
    let cacheDir: string;
    let cache: RepoCache;
    beforeEach(() => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-cache-"));
      cache = new RepoCache(cacheDir, parseHubModelId("owner/name"));
    });
    afterEach(() => {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    it("places paths as huggingface_hub does", () => {
      const repo = path.join(cacheDir, "models--owner--name");
      assert.equal(cache.directory, repo);
      assert.equal(cache.refPath("main"), path.join(repo, "refs", "main"));
      assert.equal(cache.refPath("refs/pr/1"), path.join(repo, "refs", "refs", "pr", "1"));
      assert.equal(cache.snapshotPath(COMMIT, "onnx/model.onnx"), path.join(repo, "snapshots", COMMIT, "onnx", "model.onnx"));
      assert.equal(cache.blobPath(BLOB), path.join(repo, "blobs", BLOB));
      assert.equal(cache.noExistPath(COMMIT, "config.json"), path.join(repo, ".no_exist", COMMIT, "config.json"));
    });

    it("reads a commit from refs/", () => {
      assert.equal(cache.readCommit("main"), undefined);
      cache.writeRef("main", COMMIT);
      assert.equal(fs.readFileSync(cache.refPath("main"), "utf8"), COMMIT);
      assert.equal(cache.readCommit("main"), COMMIT);
      assert.equal(cache.readCommit(COMMIT), COMMIT, "a commit hash needs no ref");
    });

    it("tolerates a trailing newline and ignores junk", () => {
      fs.mkdirSync(path.dirname(cache.refPath("v1")), { recursive: true });
      fs.writeFileSync(cache.refPath("v1"), `${COMMIT}\n`);
      fs.writeFileSync(cache.refPath("broken"), "not a commit");
      assert.equal(cache.readCommit("v1"), COMMIT);
      assert.equal(cache.readCommit("broken"), undefined);
    });

    it("writes no ref for a commit", () => {
      cache.writeRef(COMMIT, COMMIT);
      assert.equal(fs.existsSync(path.join(cache.directory, "refs")), false);
    });

    it("links a snapshot file to its blob", () => {
      fs.mkdirSync(path.dirname(cache.blobPath(BLOB)), { recursive: true });
      fs.writeFileSync(cache.blobPath(BLOB), "graph bytes");

      cache.linkSnapshotFile(COMMIT, "onnx/model.onnx", BLOB, () => assert.fail("symlinks work on this file system"));

      const pointer = cache.snapshotPath(COMMIT, "onnx/model.onnx");
      assert.equal(fs.readlinkSync(pointer), path.join("..", "..", "..", "blobs", BLOB));
      assert.equal(fs.readFileSync(pointer, "utf8"), "graph bytes");
      assert.equal(cache.hasSnapshotFile(COMMIT, "onnx/model.onnx"), true);
      assert.deepEqual(fs.readdirSync(path.dirname(pointer)), ["model.onnx"], "no temporary entry is left");
    });

    it("does not count a link to a missing blob", () => {
      cache.linkSnapshotFile(COMMIT, "config.json", BLOB, () => {});
      assert.equal(cache.hasSnapshotFile(COMMIT, "config.json"), false);
    });

    it("names each download in progress", () => {
      const first = cache.incompletePath(BLOB);
      const second = cache.incompletePath(BLOB);
      assert.match(path.basename(first), new RegExp(`^${BLOB}\\.${process.pid}-[0-9a-f]{8}\\.incomplete$`));
      assert.notEqual(first, second);
    });

    it("removes downloads of ended processes", () => {
      const blobsDir = path.dirname(cache.blobPath(BLOB));
      fs.mkdirSync(blobsDir, { recursive: true });
      // Linux process ids stay below 2^22, so process 99999999 does not exist.
      const names = [`${BLOB}.99999999-0123abcd.incomplete`, `${BLOB}.${process.pid}-0123abcd.incomplete`, `${"b".repeat(64)}.99999999-0123abcd.incomplete`, `${BLOB}.incomplete`];
      for (const name of names) fs.writeFileSync(path.join(blobsDir, name), "partial");

      cache.removeStaleDownloads(BLOB);

      assert.deepEqual(fs.readdirSync(blobsDir).sort(), names.slice(1).sort());
    });

    it("records absent files", () => {
      assert.equal(cache.isMarkedMissing(COMMIT, "special_tokens_map.json"), false);
      cache.markMissing(COMMIT, "special_tokens_map.json");
      cache.markMissing(COMMIT, "special_tokens_map.json");
      assert.equal(cache.isMarkedMissing(COMMIT, "special_tokens_map.json"), true);
    });
  });

  describe("blobNameFromEtag", () => {
    it("strips quotes and the weak prefix", () => {
      assert.equal(blobNameFromEtag(`"${BLOB}"`), BLOB);
      assert.equal(blobNameFromEtag(`W/"${BLOB}"`), BLOB);
      assert.equal(blobNameFromEtag("abc-12"), "abc-12");
    });

    it("rejects names that are not safe file names", () => {
      for (const etag of [null, undefined, "", '""', '"../../etc/passwd"', '"a/b"', '".."', '"."', '".hidden"', '"a b"']) {
        assert.equal(blobNameFromEtag(etag), undefined, String(etag));
      }
    });
  });

  describe("isSafeRepoPath", () => {
    it("accepts relative /-separated paths", () => {
      for (const file of ["config.json", "onnx/model.onnx", "a/b/c.onnx_data_1"]) assert.equal(isSafeRepoPath(file), true, file);
    });

    it("rejects paths that leave the snapshot", () => {
      for (const file of ["", "/etc/passwd", "../x", "onnx/../../x", "a//b", "./a", "a\\b", "a\u0000b"]) assert.equal(isSafeRepoPath(file), false, file);
    });
  });
});
