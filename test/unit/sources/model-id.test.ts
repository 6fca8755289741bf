import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import { isCommitHash, isHubModelId, parseHubModelId, repoFolderName, validateRevision } from "../../../kernel/src/model";

describe("model/sources", () => {
  describe("parseHubModelId", () => {
    it("splits owner and name", () => {
      assert.deepEqual(parseHubModelId("zhihan1996/DNABERT-2-117M"), { repoId: "zhihan1996/DNABERT-2-117M", owner: "zhihan1996", name: "DNABERT-2-117M" });
    });

    it("accepts an id without owner", () => {
      assert.deepEqual(parseHubModelId("bert-base-uncased"), { repoId: "bert-base-uncased", owner: undefined, name: "bert-base-uncased" });
    });

    it("accepts the hub's characters", () => {
      for (const id of ["a", "_private", "Foo-BAR_foo.bar123", "InstaDeepAI/nucleotide-transformer-v2-50m-multi-species", "x".repeat(96)]) {
        assert.equal(parseHubModelId(id).repoId, id);
      }
    });

    it("rejects malformed ids with the reason", () => {
      const cases: [string, RegExp][] = [
        ["", /it is empty/],
        ["owner/name/extra", /it has 2 "\/" but at most one is allowed/],
        ["/name", /the part before or after "\/" is empty/],
        ["owner/", /the part before or after "\/" is empty/],
        ["-name", /"-name" must contain only letters, digits/],
        ["name.", /"name\." must contain only letters, digits/],
        ["./model", /"\." must contain only letters/],
        ["owner/na me", /"na me" must contain only letters/],
        ["café", /"café" must contain only letters/],
        ["owner--x/name", /it contains "--" or "\.\."/],
        ["a..b", /it contains "--" or "\.\."/],
        ["owner/name.git", /it ends in "\.git"/],
        ["x".repeat(97), /the name has 97 characters, more than 96/],
      ];
      for (const [id, reason] of cases) {
        assert.throws(() => parseHubModelId(id), (error: Error) => {
          assert.equal(error.name, "RangeError", id);
          assert.ok(error.message.startsWith(`modelId ${JSON.stringify(id)} is not a valid Hugging Face model id: `), error.message);
          assert.match(error.message, reason);
          assert.match(error.message, /or pass the path of a local model directory\.$/);
          return true;
        });
      }
    });

    it("rejects a value that is not a string", () => {
      assert.throws(() => parseHubModelId(42), { name: "TypeError", message: 'modelId must be a string such as "owner/name", got number.' });
    });
  });

  describe("isHubModelId", () => {
    it("accepts an id that is no local path", () => {
      assert.equal(isHubModelId("dnaquant-test/surely-not-a-local-folder"), true);
      assert.equal(isHubModelId("surely-not-a-local-folder"), true);
    });

    it("rejects an id that names a local folder", () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dnaquant-id-"));
      const cwd = process.cwd();
      try {
        fs.mkdirSync(path.join(directory, "owner", "name"), { recursive: true });
        fs.writeFileSync(path.join(directory, "model-file"), "");
        process.chdir(directory);

        assert.equal(isHubModelId("owner/name"), false);
        assert.equal(isHubModelId("owner"), false);
        assert.equal(isHubModelId("model-file"), false);
        assert.equal(isHubModelId("owner/other"), true);
      } finally {
        process.chdir(cwd);
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });

    it("rejects paths and other values", () => {
      for (const source of ["./model", "../model", "/abs/model", "~/model", "a/b/c", "", 7, undefined, null]) {
        assert.equal(isHubModelId(source), false, String(source));
      }
    });
  });

  describe("repoFolderName", () => {
    it("joins the parts with --", () => {
      assert.equal(repoFolderName(parseHubModelId("zhihan1996/DNABERT-2-117M")), "models--zhihan1996--DNABERT-2-117M");
      assert.equal(repoFolderName(parseHubModelId("gpt2")), "models--gpt2");
    });
  });

  describe("validateRevision", () => {
    it("accepts branches, tags, PR refs and commits", () => {
      for (const revision of ["main", "v1.0", "refs/pr/1", "0123456789abcdef0123456789abcdef01234567"]) {
        assert.equal(validateRevision(revision), revision);
      }
    });

    it("rejects revisions that would leave refs/", () => {
      for (const revision of ["", "..", "../main", "a//b", "/main", "main/", "a\\b", "a\nb"]) {
        assert.throws(() => validateRevision(revision), { name: "RangeError", message: new RegExp(`^revision ${escape(JSON.stringify(revision))} is not a valid git revision`) }, revision);
      }
    });

    it("rejects a value that is not a string", () => {
      assert.throws(() => validateRevision(1), { name: "TypeError", message: /^revision must be a string/ });
    });
  });

  describe("isCommitHash", () => {
    it("accepts 40 lower-case hex digits only", () => {
      assert.equal(isCommitHash("0123456789abcdef0123456789abcdef01234567"), true);
      assert.equal(isCommitHash("0123456789ABCDEF0123456789abcdef01234567"), false);
      assert.equal(isCommitHash("0123456"), false);
      assert.equal(isCommitHash("main"), false);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
