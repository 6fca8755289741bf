/**
 * Debian's jupyter_kernel_test (KernelTests) against the real kernel, see conformance.py.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { SKIP_REASON, installKernel, runPython, type InstalledKernel } from "./harness";

/** Tests that conformance.py must run and pass, by jupyter_kernel_test's method names. */
const REQUIRED_TESTS = Object.freeze([
  "test_kernel_info",
  "test_execute_stdout",
  "test_execute_stderr",
  "test_execute_result",
  "test_error",
  "test_completion",
  "test_inspect",
  "test_display_data",
  "test_is_complete",
]);

/**
 * test_history runs, but all of its subtests skip: they need stored history entries, and the
 * kernel keeps none. The empty history_reply is checked in kernel-protocol.test.ts.
 */
const RUN_WITH_SKIPPED_SUBTESTS = Object.freeze(["test_history"]);

describe("jupyter_kernel_test conformance", { skip: SKIP_REASON }, () => {
  let kernel: InstalledKernel;
  before(() => {
    kernel = installKernel("dnaquant-conformance");
  });
  after(() => kernel?.remove());

  it("should pass KernelTests", () => {
    const result = runPython(kernel, ["-m", "unittest", "-v", "conformance"]);
    const report = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 0, report);

    const lines = report.split("\n");
    for (const test of REQUIRED_TESTS) {
      const line = lines.find((candidate) => candidate.startsWith(`${test} `));
      assert.ok(line, `${test} did not run:\n${report}`);
      assert.match(line, /\.\.\. ok$/, `${test} did not pass:\n${report}`);
    }
    for (const test of RUN_WITH_SKIPPED_SUBTESTS) {
      assert.ok(lines.some((candidate) => candidate.startsWith(`${test} `)), `${test} did not run:\n${report}`);
    }
  });
});
