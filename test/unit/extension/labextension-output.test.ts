import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";

import { checkLabextension } from "../../../extension/tools/check-labextension.cjs";

/** Output of `npm run build -w extension`. */
const BUILT_OUTPUT = resolve(__dirname, "../../../extension/labextension");

const ENTRY = "static/remoteEntry.0123abcd.js";

/** Files of a well-formed output, small stand-ins for the real chunks. */
function wellFormedFiles(): Record<string, string> {
  return {
    "package.json": JSON.stringify({
      name: "dnaquant-jupyterlab",
      version: "0.1.0",
      jupyterlab: {
        mimeExtension: true,
        _build: { load: ENTRY, mimeExtension: "./mimeExtension", style: "./style" },
      },
    }),
    [ENTRY]: 'var _JUPYTERLAB;_JUPYTERLAB["dnaquant-jupyterlab"]={};',
    "static/350.aaaa.js": 'e.addClass("dq-RenderedWeights")',
    "static/672.bbbb.js": "x.newPlot=function(){}",
  };
}

const scratch = mkdtempSync(join(tmpdir(), "dnaquant-labextension-"));
let outputCount = 0;

/** Writes `files` into a new directory under the scratch folder and returns its path. */
function writeOutput(files: Record<string, string>): string {
  const dir = join(scratch, `output-${outputCount++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Returns the problems of a well-formed output changed by `change`. */
function problemsAfter(change: (files: Record<string, string>) => void): string[] {
  const files = wellFormedFiles();
  change(files);
  return checkLabextension(writeOutput(files));
}

/** Asserts that exactly one problem was found and that it contains `text`. */
function assertOneProblem(problems: string[], text: string): void {
  assert.equal(problems.length, 1, `problems: ${JSON.stringify(problems)}`);
  assert.ok(problems[0].includes(text), `problem ${JSON.stringify(problems[0])} lacks ${text}`);
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe("dnaquant-jupyterlab", () => {
  describe("checkLabextension", () => {
    it("should accept a well-formed output", () => {
      assert.deepEqual(checkLabextension(writeOutput(wellFormedFiles())), []);
    });

    it("should report a missing package.json", () => {
      const problems = problemsAfter((files) => {
        delete files["package.json"];
      });

      assertOneProblem(problems, "package.json is missing");
    });

    it("should report a missing build entry", () => {
      const problems = problemsAfter((files) => {
        files["package.json"] = JSON.stringify({ name: "dnaquant-jupyterlab", version: "0.1.0" });
      });

      assertOneProblem(problems, "no jupyterlab._build entry");
    });

    it("should report a load path without hash", () => {
      const problems = problemsAfter((files) => {
        const metadata = JSON.parse(files["package.json"]);
        metadata.jupyterlab._build.load = "static/remoteEntry.js";
        files["package.json"] = JSON.stringify(metadata);
      });

      assertOneProblem(problems, "jupyterlab._build.load");
    });

    it("should report a missing entry file", () => {
      const problems = problemsAfter((files) => {
        delete files[ENTRY];
      });

      assertOneProblem(problems, "named in package.json but missing");
    });

    it("should report a stale second entry", () => {
      const problems = problemsAfter((files) => {
        files["static/remoteEntry.99999999.js"] = "";
      });

      assertOneProblem(problems, "2 remoteEntry files");
    });

    it("should report plotly.js in the renderer chunk", () => {
      const problems = problemsAfter((files) => {
        files["static/350.aaaa.js"] += ";x.newPlot=function(){}";
      });

      assertOneProblem(problems, "350.aaaa.js contains plotly.js");
    });

    it("should report a wrong package name", () => {
      const problems = problemsAfter((files) => {
        const metadata = JSON.parse(files["package.json"]);
        metadata.name = "dnaquant";
        files["package.json"] = JSON.stringify(metadata);
      });

      assertOneProblem(problems, 'name is "dnaquant"');
    });

    it(
      "should accept the built output",
      { skip: existsSync(BUILT_OUTPUT) ? false : "extension/labextension/ is not built; run npm run build -w extension" },
      () => {
        assert.deepEqual(checkLabextension(BUILT_OUTPUT), []);
      },
    );
  });
});
