import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";

import { TslabCellRunner, type CellOutcome } from "../../../kernel/src/jupyter/executor/cell-runner";
import { OutputRouter, type OutputSink } from "../../../kernel/src/jupyter/executor/output-router";
import { loadTslabJupyterModule } from "../../../kernel/src/jupyter/executor/tslab";
import type { DisplayDataContent } from "../../../kernel/src/jupyter/protocol/messages";

const KERNEL_PACKAGE_ROOT = join(__dirname, "..", "..", "..", "kernel");
const WEIGHTS_MIME = "application/vnd.dnaquant.weights+json";

function assertError(outcome: CellOutcome): Extract<CellOutcome, { status: "error" }>["error"] {
  assert.equal(outcome.status, "error", `expected an error, got ${JSON.stringify(outcome)}`);
  return (outcome as Extract<CellOutcome, { status: "error" }>).error;
}

function assertPlainResult(outcome: CellOutcome, expected: string): void {
  assert.equal(outcome.status, "ok", `expected ok, got ${JSON.stringify(outcome)}`);
  assert.deepEqual(outcome.status === "ok" ? outcome.result : undefined, { data: { "text/plain": expected }, metadata: {} });
}

/** Records what a cell sends to its output sink. */
class RecordingSink implements OutputSink {
  readonly events: Array<{ kind: "stream"; name: string; text: string } | { kind: "display"; content: DisplayDataContent; update: boolean }> = [];

  stream(name: "stdout" | "stderr", text: string): void {
    this.events.push({ kind: "stream", name, text });
  }

  display(content: DisplayDataContent, update: boolean): void {
    this.events.push({ kind: "display", content, update });
  }
}

describe("executor/cell-runner", () => {
  // One runner for the file, because tslab's executor installs process-wide state.
  const runner = new TslabCellRunner({ packageName: "dnaquant", packageRoot: KERNEL_PACKAGE_ROOT });
  after(() => runner.close());

  describe("TslabCellRunner#run", () => {
    it("should return the last expression as text/plain", async () => {
      assertPlainResult(await runner.run("1 + 1"), "2");
      assertPlainResult(await runner.run("const greeting: string = 'hi';\ngreeting.toUpperCase()"), "'HI'");
    });

    it("should return no result for statements and undefined", async () => {
      assert.deepEqual(await runner.run("let counter = 1;"), { status: "ok" });
      assert.deepEqual(await runner.run("undefined"), { status: "ok" });
    });

    it("should keep declarations across cells", async () => {
      await runner.run("let shared = 20;");
      assertPlainResult(await runner.run("shared + 1"), "21");
    });

    it("should report compile errors", async () => {
      const error = assertError(await runner.run('let wrong: number = "text";'));
      assert.equal(error.ename, "CompileError");
      assert.equal(error.evalue, "1:5 - Type 'string' is not assignable to type 'number'.");
      assert.deepEqual(error.traceback, ["CompileError: 1:5 - Type 'string' is not assignable to type 'number'."]);
    });

    it("should report every compile diagnostic", async () => {
      const error = assertError(await runner.run("const a: number = 'x';\nconst b: string = 2;"));
      assert.deepEqual(error.evalue.split("\n"), [
        "1:7 - Type 'string' is not assignable to type 'number'.",
        "2:7 - Type 'number' is not assignable to type 'string'.",
      ]);
    });

    it("should report thrown errors with their stack", async () => {
      const error = assertError(await runner.run('function explode(): never { throw new RangeError("too far"); }\nexplode()'));
      assert.equal(error.ename, "RangeError");
      assert.equal(error.evalue, "too far");
      assert.equal(error.traceback[0], "RangeError: too far");
      assert.ok(error.traceback.some((line) => line.includes("at explode (evalmachine.<anonymous>")), error.traceback.join("\n"));
      for (const line of error.traceback) {
        assert.doesNotMatch(line, /node:vm|tslab[\\/]dist|[\\/]jupyter[\\/]executor/, "kernel frames must be hidden");
      }
    });

    it("should report thrown non-errors like Node's REPL", async () => {
      assert.deepEqual(assertError(await runner.run('throw "plain text";')), {
        ename: "Uncaught",
        evalue: "'plain text'",
        traceback: ["Uncaught 'plain text'"],
      });
    });

    it("should report rejected top-level awaits", async () => {
      const error = assertError(await runner.run('await Promise.reject(new TypeError("async failure"));'));
      assert.equal(error.ename, "TypeError");
      assert.equal(error.evalue, "async failure");
    });

    it("should run normally after a failure", async () => {
      assertError(await runner.run('throw new Error("first");'));
      assertError(await runner.run("const broken: number = 'x';"));
      assertPlainResult(await runner.run("[1, 2, 3].length"), "3");
    });

    it("should use a value's mime bundle", async () => {
      const outcome = await runner.run(
        `({ [Symbol.for("dnaquant.mimeBundle")]() { return { data: { "${WEIGHTS_MIME}": { layers: [1, 2] }, "text/plain": "2 layers" } }; } })`,
      );
      assert.equal(outcome.status, "ok");
      assert.deepEqual(outcome.status === "ok" ? outcome.result : undefined, {
        data: { [WEIGHTS_MIME]: { layers: [1, 2] }, "text/plain": "2 layers" },
        metadata: {},
      });
    });

    it("should report a failing mime bundle method", async () => {
      const error = assertError(
        await runner.run('({ [Symbol.for("dnaquant.mimeBundle")]() { throw new SyntaxError("bad bundle"); } })'),
      );
      assert.equal(error.ename, "SyntaxError");
      assert.equal(error.evalue, "bad bundle");
    });

    it("should interrupt a pending await", async () => {
      const running = runner.run("await new Promise<void>(() => {});");
      setTimeout(() => runner.interrupt(), 100);
      assert.deepEqual(assertError(await running), {
        ename: "InterruptError",
        evalue: "The cell was interrupted.",
        traceback: ["InterruptError: The cell was interrupted."],
      });
      assertPlainResult(await runner.run('"after interrupt"'), "'after interrupt'");
    });
  });

  describe("TslabCellRunner#complete", () => {
    it("should complete members at the cursor", () => {
      const code = "const numbers = [1, 2];\nnumbers.fil";
      const completion = runner.complete(code, code.length);
      assert.ok(completion.matches.includes("filter"), completion.matches.join(", "));
      assert.equal(completion.start, code.length - "fil".length);
      assert.equal(completion.end, code.length);
    });
  });

  describe("TslabCellRunner#inspect", () => {
    it("should describe the symbol at the cursor", () => {
      const code = "const inspected = Math.max(1, 2);";
      assert.equal(runner.inspect(code, code.indexOf("inspected") + 2), "const inspected: number");
      assert.equal(runner.inspect("   ", 1), undefined);
    });
  });

  describe("OutputRouter", () => {
    it("should route writes and displays of a cell to the sink", async () => {
      const router = new OutputRouter(loadTslabJupyterModule());
      const sink = new RecordingSink();
      router.install();
      try {
        router.setSink(sink);
        const outcome = await runner.run(
          [
            'console.log("to stdout");',
            'process.stderr.write("to stderr\\n");',
            'process.stdout.write(Buffer.from("bytes \\u00fc\\n"));',
            `(globalThis as any)[Symbol.for("dnaquant.display")]({ data: { "${WEIGHTS_MIME}": { layers: [7] } }, transient: { display_id: "w1" } });`,
            `(globalThis as any)[Symbol.for("dnaquant.display")]({ data: { "text/plain": "updated" }, transient: { display_id: "w1" } }, true);`,
            'import * as tslab from "tslab";',
            'tslab.display.html("<b>bold</b>");',
          ].join("\n"),
        );
        router.flush();
        assert.deepEqual(outcome, { status: "ok" });
      } finally {
        router.uninstall();
      }

      assert.deepEqual(sink.events, [
        { kind: "stream", name: "stdout", text: "to stdout\n" },
        { kind: "stream", name: "stderr", text: "to stderr\n" },
        { kind: "stream", name: "stdout", text: "bytes ü\n" },
        {
          kind: "display",
          content: { data: { [WEIGHTS_MIME]: { layers: [7] } }, metadata: {}, transient: { display_id: "w1" } },
          update: false,
        },
        { kind: "display", content: { data: { "text/plain": "updated" }, metadata: {}, transient: { display_id: "w1" } }, update: true },
        { kind: "display", content: { data: { "text/html": "<b>bold</b>" }, metadata: {}, transient: {} }, update: false },
      ]);
    });

    it("should fail a cell that displays an invalid bundle", async () => {
      const router = new OutputRouter();
      router.install();
      try {
        router.setSink(new RecordingSink());
        const error = assertError(await runner.run('(globalThis as any)[Symbol.for("dnaquant.display")]({ data: { "text/html": 5 } });'));
        assert.equal(error.ename, "TypeError");
        assert.match(error.evalue, /data\["text\/html"\] must be a string/);
      } finally {
        router.uninstall();
      }
    });

    it("should reject displays before the first request", () => {
      const router = new OutputRouter();
      router.install();
      try {
        const display = (globalThis as Record<symbol, unknown>)[Symbol.for("dnaquant.display")] as (bundle: unknown) => void;
        assert.throws(() => display({ data: { "text/plain": "x" } }), /no cell has run in this kernel yet/);
      } finally {
        router.uninstall();
      }
      assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for("dnaquant.display")], undefined);
    });
  });
});
