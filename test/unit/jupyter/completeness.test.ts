import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { checkCompleteness } from "../../../kernel/src/jupyter/executor/completeness";
import { loadTslabTypeScript } from "../../../kernel/src/jupyter/executor/tslab";

describe("executor/completeness", () => {
  const typescript = loadTslabTypeScript();

  const cases: Array<{ code: string; status: string; indent?: string }> = [
    { code: "1 + 1", status: "complete" },
    { code: "const x: number = 1;\nx * 2", status: "complete" },
    { code: "await new Promise((resolve) => setTimeout(resolve, 1))", status: "complete" },
    { code: "let a = <number>b;", status: "complete" },
    { code: "function f() {", status: "incomplete", indent: "  " },
    { code: "  if (x) {", status: "incomplete", indent: "    " },
    { code: "const total = 1 +", status: "incomplete", indent: "" },
    { code: "call(1,", status: "incomplete", indent: "" },
    { code: "const s = `line one", status: "incomplete", indent: "" },
    { code: "/* comment", status: "incomplete", indent: "" },
    { code: "function f() {\n\n", status: "invalid" },
    { code: "1 +* 2", status: "invalid" },
    { code: ")", status: "invalid" },
  ];

  for (const { code, status, indent } of cases) {
    it(`should classify ${JSON.stringify(code)} as ${status}`, () => {
      const result = checkCompleteness(typescript, code);
      assert.equal(result.status, status);
      assert.equal(result.indent, indent);
    });
  }
});
