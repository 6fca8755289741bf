/**
 * The real kernel driven by Debian's jupyter_client (driver.py), one fresh kernel per scenario.
 */
import assert from "node:assert/strict";
import { realpathSync, rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import {
  KERNEL_PACKAGE_ROOT,
  SKIP_REASON,
  installKernel,
  makeScratchFolder,
  runScenario,
  type InstalledKernel,
} from "./harness";

interface Message {
  msg_type: string;
  content: Record<string, unknown>;
}

interface Execution {
  reply: Record<string, unknown>;
  outputs: Message[];
}

interface InterruptedExecution extends Execution {
  seconds: number;
}

const WEIGHTS_MIME = "application/vnd.dnaquant.weights+json";

/** Upper bound in seconds between an interrupt and the error reply; a hung cell takes 60. */
const INTERRUPT_REPLY_SECONDS = 5;

function outputsOfType(execution: Execution, msgType: string): Array<Record<string, unknown>> {
  return execution.outputs.filter((output) => output.msg_type === msgType).map((output) => output.content);
}

function plainResult(execution: Execution): unknown {
  const results = outputsOfType(execution, "execute_result");
  assert.equal(results.length, 1, `expected one execute_result in ${JSON.stringify(execution.outputs)}`);
  return (results[0].data as Record<string, unknown>)["text/plain"];
}

function assertOk(execution: Execution): void {
  assert.equal(execution.reply.status, "ok", `reply ${JSON.stringify(execution.reply)}`);
}

describe("dnaquant kernel through jupyter_client", { skip: SKIP_REASON }, () => {
  let kernel: InstalledKernel;
  before(() => {
    kernel = installKernel();
  });
  after(() => kernel?.remove());

  it("should answer the basic requests", () => {
    const result = runScenario<{
      kernel_info: Record<string, unknown>;
      sum: Execution;
      streams: Execution;
      history: Record<string, unknown>;
      comm_info: Record<string, unknown>;
      is_complete: Record<string, Record<string, unknown>>;
      complete: { code_points: number; reply: Record<string, unknown> };
      inspect: Record<string, unknown>;
      heartbeat: boolean;
    }>(kernel, "basics");

    const info = result.kernel_info;
    assert.equal(info.status, "ok");
    assert.equal(info.protocol_version, "5.3");
    assert.equal(info.implementation, "dnaquant");
    assert.deepEqual(
      {
        name: (info.language_info as Record<string, unknown>).name,
        file_extension: (info.language_info as Record<string, unknown>).file_extension,
        mimetype: (info.language_info as Record<string, unknown>).mimetype,
        codemirror_mode: (info.language_info as Record<string, unknown>).codemirror_mode,
      },
      { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", codemirror_mode: "typescript" },
    );

    assertOk(result.sum);
    assert.equal(result.sum.reply.execution_count, 1);
    assert.deepEqual(result.sum.outputs[0], { msg_type: "execute_input", content: { code: "1 + 1", execution_count: 1 } });
    assert.equal(plainResult(result.sum), "2");

    assertOk(result.streams);
    assert.deepEqual(outputsOfType(result.streams, "stream"), [
      { name: "stdout", text: "hello\n" },
      { name: "stderr", text: "oops\n" },
    ]);
    assert.equal(plainResult(result.streams), "42");

    assert.deepEqual(result.history, { status: "ok", history: [] });
    assert.deepEqual(result.comm_info, { status: "ok", comms: {} });
    assert.equal(result.is_complete["1 + 1"].status, "complete");
    assert.deepEqual(result.is_complete["function f() {"], { status: "incomplete", indent: "  " });
    assert.equal(result.is_complete["1 +* 2"].status, "invalid");

    // "label.toUpp" ends the code. Positions count code points, so "🧬" counts once.
    const completion = result.complete.reply;
    assert.equal(completion.status, "ok");
    assert.ok((completion.matches as string[]).includes("toUpperCase"), JSON.stringify(completion.matches));
    assert.equal(completion.cursor_end, result.complete.code_points);
    assert.equal(completion.cursor_start, result.complete.code_points - "toUpp".length);

    assert.equal(result.inspect.found, true);
    assert.match((result.inspect.data as Record<string, string>)["text/plain"], /max\(\.\.\.values: number\[\]\): number/);
    assert.equal(result.heartbeat, true);
  });

  it("should recover from failed cells", () => {
    const result = runScenario<Record<string, Execution>>(kernel, "errors");

    const runtime = result.runtime;
    assert.equal(runtime.reply.status, "error");
    assert.equal(runtime.reply.ename, "RangeError");
    assert.equal(runtime.reply.evalue, "too far");
    assert.equal((runtime.reply.traceback as string[])[0], "RangeError: too far");
    assert.deepEqual(outputsOfType(runtime, "error"), [
      { ename: runtime.reply.ename, evalue: runtime.reply.evalue, traceback: runtime.reply.traceback },
    ]);
    assertOk(result.after_runtime);
    assert.equal(plainResult(result.after_runtime), "2");

    const compile = result.compile;
    assert.equal(compile.reply.status, "error");
    assert.equal(compile.reply.ename, "CompileError");
    assert.equal(compile.reply.evalue, "1:7 - Type 'string' is not assignable to type 'number'.");
    assertOk(result.after_compile);
    assert.equal(plainResult(result.after_compile), "'recovered'");

    assert.equal(result.non_error.reply.ename, "Uncaught");
    assert.equal(result.non_error.reply.evalue, "'plain text'");
  });

  it("should abort only requests queued before an error", () => {
    const result = runScenario<{
      replies: Array<Record<string, unknown>>;
      after: Execution;
      lenient: Array<Record<string, unknown>>;
    }>(kernel, "abort");

    assert.equal(result.replies[0].status, "error");
    assert.equal(result.replies[0].evalue, "fail");
    assert.deepEqual(result.replies[1], { status: "aborted" });
    assert.deepEqual(result.replies[2], { status: "aborted" });
    assertOk(result.after);
    assert.equal(plainResult(result.after), "'after abort'");

    assert.equal(result.lenient[0].status, "error");
    assert.equal(result.lenient[1].status, "ok");
  });

  it("should interrupt cells by signal and by message", () => {
    const result = runScenario<{
      signal_async: InterruptedExecution;
      after_signal_async: Execution;
      signal_sync: InterruptedExecution;
      after_signal_sync: Execution;
      message_async: InterruptedExecution;
      interrupt_reply: Record<string, unknown>;
      after_message_async: Execution;
    }>(kernel, "interrupt");

    for (const name of ["signal_async", "signal_sync", "message_async"] as const) {
      const interrupted = result[name];
      assert.equal(interrupted.reply.status, "error", `${name}: ${JSON.stringify(interrupted.reply)}`);
      assert.equal(interrupted.reply.ename, "InterruptError", name);
      assert.ok(
        interrupted.seconds < INTERRUPT_REPLY_SECONDS,
        `${name}: reply after ${interrupted.seconds.toFixed(2)} s, bound ${INTERRUPT_REPLY_SECONDS} s`,
      );
    }
    assert.deepEqual(result.interrupt_reply, { status: "ok" });
    assert.equal(plainResult(result.after_signal_async), "'alive after async interrupt'");
    assert.equal(plainResult(result.after_signal_sync), "'alive after sync interrupt'");
    assert.equal(plainResult(result.after_message_async), "'alive after message interrupt'");
  });

  it("should send display bundles as JSON objects", () => {
    const result = runScenario<{ cell: Execution; invalid: Execution }>(kernel, "display");
    const cell = result.cell;
    assertOk(cell);

    const displays = outputsOfType(cell, "display_data");
    assert.equal(displays.length, 2, JSON.stringify(cell.outputs));
    assert.deepEqual(displays[0], {
      data: {
        [WEIGHTS_MIME]: { version: 1, model: "tiny", layers: [{ name: "l0", shape: [2, 3] }] },
        "text/plain": "weights of tiny",
      },
      metadata: { [WEIGHTS_MIME]: { expanded: true } },
      transient: { display_id: "weights-1" },
    });
    assert.deepEqual(displays[1].data, { "text/html": "<b>bold</b>" });
    assert.deepEqual(outputsOfType(cell, "update_display_data"), [
      { data: { "text/plain": "updated" }, metadata: {}, transient: { display_id: "weights-1" } },
    ]);

    const results = outputsOfType(cell, "execute_result");
    assert.deepEqual((results[0].data as Record<string, unknown>)[WEIGHTS_MIME], { version: 1, layers: [] });
    assert.equal(typeof (results[0].data as Record<string, unknown>)["text/plain"], "string");

    assert.equal(result.invalid.reply.status, "error");
    assert.equal(result.invalid.reply.ename, "TypeError");
    assert.match(result.invalid.reply.evalue as string, /is a string that is not valid JSON/);
  });

  it("should import dnaquant from a folder outside the repository", () => {
    const notebookFolder = realpathSync(makeScratchFolder("dnaquant-notebook-"));
    try {
      const result = runScenario<Record<string, Execution>>(kernel, "package_import", notebookFolder);
      assert.equal(plainResult(result.cwd), `'${notebookFolder}'`);

      // The kernel must get the same exports as this process gets from the built package.
      const expectedKeys = Object.keys(require(`${KERNEL_PACKAGE_ROOT}/dist/index.js`)).sort().join(",");
      assert.ok(expectedKeys.length > 0, "the dnaquant package exports nothing");
      assertOk(result.keys);
      assert.equal(plainResult(result.keys), `'${expectedKeys}'`);
      assert.equal(plainResult(result.resolved), `'${KERNEL_PACKAGE_ROOT}/dist/index.js'`);

      // A type error that names the package's exports proves that its types were found.
      const typed = result.typed;
      assert.equal(typed.reply.ename, "CompileError");
      assert.doesNotMatch(typed.reply.evalue as string, /Cannot find module/);
      assert.match(typed.reply.evalue as string, /"definitelyNotAnExport"' is not assignable to type/);

      assert.equal(plainResult(result.subpath), "true");
    } finally {
      rmSync(notebookFolder, { recursive: true, force: true });
    }
  });

  it("should exit promptly on shutdown_request", () => {
    const result = runScenario<{ reply: Record<string, unknown>; alive: boolean; seconds: number }>(kernel, "shutdown");
    assert.deepEqual(result.reply, { status: "ok", restart: false });
    assert.equal(result.alive, false);
    // A pending 10-minute timer in the cell must not keep the process alive.
    assert.ok(result.seconds < 3, `exit after ${result.seconds.toFixed(2)} s, bound 3 s`);
  });
});
