import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { createKernelSpec, writeKernelSpec } from "../../../kernel/src/jupyter/install/kernel-spec";
import {
  prefixKernelsDirectory,
  queryPythonEnvironment,
  userKernelsDirectory,
} from "../../../kernel/src/jupyter/install/locations";
import { UsageError, parseInstallArguments } from "../../../kernel/src/jupyter/install/options";

const DEBIAN_PYTHON = "/usr/bin/python3";

describe("install/options", () => {
  describe("parseInstallArguments", () => {
    it("should parse each destination", () => {
      assert.deepEqual(parseInstallArguments(["--prefix", "/opt/env"]), {
        destination: { kind: "prefix", prefix: "/opt/env" },
        name: "dnaquant",
        displayName: "TypeScript (dnaquant)",
      });
      assert.deepEqual(parseInstallArguments(["--sys-prefix"])?.destination, { kind: "sys-prefix", python: "python3" });
      assert.deepEqual(parseInstallArguments(["--sys-prefix", "--python", "/venv/bin/python"])?.destination, {
        kind: "sys-prefix",
        python: "/venv/bin/python",
      });
      assert.deepEqual(parseInstallArguments(["--user", "--name", "dq-2", "--display-name", "DQ"]), {
        destination: { kind: "user" },
        name: "dq-2",
        displayName: "DQ",
      });
    });

    it("should return undefined for help", () => {
      assert.equal(parseInstallArguments(["--help"]), undefined);
      assert.equal(parseInstallArguments(["-h", "--user"]), undefined);
    });

    const invalidCases: Array<{ args: string[]; pattern: RegExp }> = [
      { args: [], pattern: /Choose where to install the kernel spec: --prefix DIR, --sys-prefix/ },
      { args: ["--prefix", "/a", "--user"], pattern: /exclude each other, but got --prefix and --user/ },
      { args: ["--user", "--python", "/usr/bin/python3"], pattern: /--python only applies with --sys-prefix/ },
      { args: ["--prefix", ""], pattern: /--prefix needs a folder/ },
      { args: ["--prefix"], pattern: /--prefix.*argument missing|--prefix <value>/ },
      { args: ["--user", "--name", "Bad Name"], pattern: /Invalid kernel name "Bad Name": use lowercase letters/ },
      { args: ["--user", "--name", "DNAQUANT"], pattern: /Invalid kernel name "DNAQUANT"/ },
      { args: ["--user", "--display-name", " "], pattern: /--display-name must not be empty/ },
      { args: ["--user", "--frobnicate"], pattern: /--frobnicate.*Run "dnaquant-kernel install --help"/ },
      { args: ["/some/dir"], pattern: /Unexpected argument "\/some\/dir" for install\. Pass the folder with --prefix DIR/ },
    ];
    for (const { args, pattern } of invalidCases) {
      it(`should reject ${JSON.stringify(args)}`, () => {
        assert.throws(() => parseInstallArguments(args), (error: unknown) => {
          assert.ok(error instanceof UsageError, `expected UsageError, got ${String(error)}`);
          assert.match(error.message, pattern);
          return true;
        });
      });
    }
  });
});

describe("install/locations", () => {
  describe("userKernelsDirectory", () => {
    it("should follow jupyter_core's data folder rules", () => {
      assert.equal(userKernelsDirectory({}, "linux", "/home/u"), "/home/u/.local/share/jupyter/kernels");
      assert.equal(userKernelsDirectory({ XDG_DATA_HOME: "/xdg" }, "linux", "/home/u"), "/xdg/jupyter/kernels");
      assert.equal(userKernelsDirectory({ JUPYTER_DATA_DIR: "/jd" }, "linux", "/home/u"), "/jd/kernels");
      assert.equal(userKernelsDirectory({}, "darwin", "/Users/u"), "/Users/u/Library/Jupyter/kernels");
    });
  });

  describe("prefixKernelsDirectory", () => {
    it("should append share/jupyter/kernels", () => {
      assert.equal(prefixKernelsDirectory("/opt/env"), "/opt/env/share/jupyter/kernels");
    });
  });

  describe("queryPythonEnvironment", () => {
    it("should report sys.prefix of Debian's Python", { skip: !existsSync(DEBIAN_PYTHON) && `${DEBIAN_PYTHON} is absent` }, () => {
      const environment = queryPythonEnvironment(DEBIAN_PYTHON);
      assert.equal(environment.prefix, "/usr");
      assert.equal(environment.hasJupyterClient, true);
    });

    it("should name a missing interpreter", () => {
      assert.throws(
        () => queryPythonEnvironment("/nonexistent/python9"),
        /Cannot run the Python interpreter "\/nonexistent\/python9" \(not found\)\. Pass --python/,
      );
    });
  });
});

describe("install/kernel-spec", () => {
  let scratch = "";
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "dnaquant-spec-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe("createKernelSpec", () => {
    it("should start main.js with the given node", () => {
      assert.deepEqual(createKernelSpec({ nodePath: "/usr/bin/node", mainScript: "/pkg/dist/jupyter/main.js", displayName: "TS" }), {
        argv: ["/usr/bin/node", "/pkg/dist/jupyter/main.js", "kernel", "{connection_file}"],
        display_name: "TS",
        language: "typescript",
        interrupt_mode: "signal",
        metadata: { debugger: false },
      });
    });
  });

  describe("writeKernelSpec", () => {
    it("should write kernel.json and leave no staging folders", () => {
      const kernels = join(scratch, "new", "share", "jupyter", "kernels");
      const spec = createKernelSpec({ nodePath: "/n", mainScript: "/m.js", displayName: "First" });
      const folder = writeKernelSpec(kernels, "dnaquant", spec);

      assert.equal(folder, join(kernels, "dnaquant"));
      assert.deepEqual(JSON.parse(readFileSync(join(folder, "kernel.json"), "utf8")), spec);
      assert.deepEqual(readdirSync(kernels), ["dnaquant"]);
    });

    it("should replace an existing spec completely", () => {
      const kernels = join(scratch, "replace");
      const first = writeKernelSpec(kernels, "dnaquant", createKernelSpec({ nodePath: "/n", mainScript: "/m.js", displayName: "First" }));
      writeFileSync(join(first, "stale-logo.png"), "old");

      writeKernelSpec(kernels, "dnaquant", createKernelSpec({ nodePath: "/n", mainScript: "/m.js", displayName: "Second" }));
      assert.equal(JSON.parse(readFileSync(join(kernels, "dnaquant", "kernel.json"), "utf8")).display_name, "Second");
      assert.deepEqual(readdirSync(join(kernels, "dnaquant")), ["kernel.json"]);
      assert.deepEqual(readdirSync(kernels), ["dnaquant"]);
    });
  });
});
