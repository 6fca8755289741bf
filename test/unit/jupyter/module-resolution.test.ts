import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  createPathForwarder,
  forwardTypeScriptPaths,
  redirectPackageRequire,
} from "../../../kernel/src/jupyter/executor/module-resolution";
import { findPackageRoot } from "../../../kernel/src/jupyter/executor/package-root";
import type { TypeScriptSystem } from "../../../kernel/src/jupyter/executor/tslab";

/** Writes a package named `fixture-package` with an exports map into `root`, outside any node_modules. */
function writeFixturePackage(root: string): void {
  mkdirSync(join(root, "dist", "nested"), { recursive: true });
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({
      name: "fixture-package",
      version: "1.2.3",
      exports: { ".": "./dist/index.js", "./extra": "./dist/extra.js" },
    }),
  );
  writeFileSync(join(root, "dist", "index.js"), 'exports.origin = "fixture root";\n');
  writeFileSync(join(root, "dist", "extra.js"), 'exports.origin = "fixture extra";\n');
}

describe("executor/module-resolution", () => {
  let scratch = "";
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "dnaquant-resolution-"));
    writeFixturePackage(join(scratch, "package"));
    mkdirSync(join(scratch, "notebooks", "deep"), { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe("createPathForwarder", () => {
    it("should map the package folder and its files only", () => {
      const forward = createPathForwarder("/home/user/notebooks", "dnaquant", "/opt/dnaquant/kernel");
      assert.equal(forward("/home/user/notebooks/node_modules/dnaquant"), "/opt/dnaquant/kernel");
      assert.equal(forward("/home/user/notebooks/node_modules/dnaquant/package.json"), "/opt/dnaquant/kernel/package.json");
      assert.equal(forward("/home/user/notebooks/node_modules/dnaquant/dist/index.d.ts"), "/opt/dnaquant/kernel/dist/index.d.ts");
      assert.equal(forward("/home/user/notebooks/node_modules/dnaquant-extra/index.d.ts"), "/home/user/notebooks/node_modules/dnaquant-extra/index.d.ts");
      assert.equal(forward("/home/user/node_modules/dnaquant/package.json"), "/home/user/node_modules/dnaquant/package.json");
    });
  });

  describe("forwardTypeScriptPaths", () => {
    it("should forward every file-system method and restore them", () => {
      const calls: string[] = [];
      const sys: TypeScriptSystem = {
        readFile: (path) => (calls.push(`readFile ${path}`), "text"),
        fileExists: (path) => (calls.push(`fileExists ${path}`), true),
        directoryExists: (path) => (calls.push(`directoryExists ${path}`), true),
        getDirectories: (path) => (calls.push(`getDirectories ${path}`), []),
        readDirectory: (path) => (calls.push(`readDirectory ${path}`), []),
        realpath: (path) => (calls.push(`realpath ${path}`), path),
      };
      const originalReadFile = sys.readFile;
      const restore = forwardTypeScriptPaths(sys, createPathForwarder("/nb", "pkg", "/real/pkg"));

      sys.readFile("/nb/node_modules/pkg/package.json");
      sys.fileExists("/nb/node_modules/pkg/dist/index.d.ts");
      sys.directoryExists("/nb/node_modules/pkg");
      sys.getDirectories("/nb/node_modules/pkg/dist");
      sys.readDirectory("/nb/node_modules/pkg/dist");
      assert.equal(sys.realpath?.("/nb/node_modules/pkg/dist/index.d.ts"), "/real/pkg/dist/index.d.ts");
      sys.readFile("/nb/other.ts");
      assert.deepEqual(calls, [
        "readFile /real/pkg/package.json",
        "fileExists /real/pkg/dist/index.d.ts",
        "directoryExists /real/pkg",
        "getDirectories /real/pkg/dist",
        "readDirectory /real/pkg/dist",
        "realpath /real/pkg/dist/index.d.ts",
        "readFile /nb/other.ts",
      ]);

      restore();
      assert.equal(sys.readFile, originalReadFile);
    });
  });

  describe("redirectPackageRequire", () => {
    it("should resolve the package and subpaths from any folder", () => {
      const requireFromNotebook = createRequire(join(scratch, "notebooks", "deep", "cell.js"));
      assert.throws(() => requireFromNotebook("fixture-package"), /Cannot find module 'fixture-package'/);

      const restore = redirectPackageRequire("fixture-package", join(scratch, "package"));
      try {
        assert.equal(requireFromNotebook("fixture-package").origin, "fixture root");
        assert.equal(requireFromNotebook("fixture-package/extra").origin, "fixture extra");
        assert.throws(() => requireFromNotebook("fixture-package/dist/extra.js"), /ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
        assert.equal(requireFromNotebook("node:path").sep, "/");
      } finally {
        restore();
      }
      assert.throws(() => requireFromNotebook.resolve("fixture-package"), /Cannot find module 'fixture-package'/);
    });
  });

  describe("findPackageRoot", () => {
    it("should find the named package above a folder", () => {
      mkdirSync(join(scratch, "package", "dist", "nested"), { recursive: true });
      assert.equal(findPackageRoot(join(scratch, "package", "dist", "nested"), "fixture-package"), join(scratch, "package"));
    });

    it("should name the start folder when nothing matches", () => {
      const start = join(scratch, "notebooks", "deep");
      assert.throws(() => findPackageRoot(start, "fixture-package"), (error: unknown) => (error as Error).message.includes(start));
    });
  });
});
