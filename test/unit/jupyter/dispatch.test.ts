import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";

import type { CellOutcome, CellRunner, CompletionMatches } from "../../../kernel/src/jupyter/executor/cell-runner";
import type { CompletenessResult } from "../../../kernel/src/jupyter/executor/completeness";
import type { OutputSink } from "../../../kernel/src/jupyter/executor/output-router";
import { CONTROL_HANDLERS, Dispatcher, SHELL_HANDLERS } from "../../../kernel/src/jupyter/handlers/dispatch";
import { createKernelInfo } from "../../../kernel/src/jupyter/handlers/kernel-info";
import { createLogger } from "../../../kernel/src/jupyter/logger";
import { MessageFactory } from "../../../kernel/src/jupyter/protocol/message-factory";
import type { ChannelName, JupyterMessage, RequestChannel } from "../../../kernel/src/jupyter/protocol/messages";

/** Cell runner that plays back scripted outcomes and records its calls. */
class FakeRunner implements CellRunner {
  readonly ran: string[] = [];
  interrupts = 0;
  /** Outcome per code; code not listed succeeds without a result. */
  outcomes = new Map<string, CellOutcome>();
  /** Output that a cell writes through the sink while it runs. */
  sideOutput = new Map<string, (sink: OutputSink) => void>();
  sink: OutputSink | undefined;

  async run(code: string): Promise<CellOutcome> {
    this.ran.push(code);
    this.sideOutput.get(code)?.(this.sink!);
    await new Promise((resolve) => setImmediate(resolve));
    return this.outcomes.get(code) ?? { status: "ok" };
  }

  complete(code: string, cursor: number): CompletionMatches {
    // Replace the identifier that ends at the cursor, with UTF-16 offsets as in the real runner.
    const start = code.slice(0, cursor).search(/\w*$/);
    return { start, end: cursor, matches: ["toFixed", "toString"] };
  }

  inspect(code: string, cursor: number): string | undefined {
    return code.slice(cursor).startsWith("x") ? "const x: number" : undefined;
  }

  checkCompleteness(code: string): CompletenessResult {
    return code.endsWith("{") ? { status: "incomplete", indent: "  " } : { status: "complete" };
  }

  interrupt(): void {
    this.interrupts++;
  }

  close(): void {}
}

interface SentMessage {
  channel: ChannelName;
  message: JupyterMessage<unknown>;
}

function createHarness() {
  const runner = new FakeRunner();
  const sent: SentMessage[] = [];
  const logLines: string[] = [];
  const shutdowns: boolean[] = [];
  const dispatcher = new Dispatcher({
    transport: {
      send: (channel, message) => sent.push({ channel, message }),
      receivePending: () => new Promise((resolve) => setImmediate(resolve)),
    },
    factory: new MessageFactory("kernel-session"),
    runner,
    outputs: {
      setSink: (sink) => {
        runner.sink = sink;
      },
      flush: () => {},
    },
    kernelInfo: createKernelInfo({ implementationVersion: "0.0.0-test", typescriptVersion: "5.0.4" }),
    logger: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
    onShutdown: (restart) => shutdowns.push(restart),
  });

  function request(channel: RequestChannel, msgType: string, content: Record<string, unknown> = {}): JupyterMessage {
    const message: JupyterMessage = {
      identities: [Buffer.from("peer")],
      header: {
        msg_id: randomUUID(),
        msg_type: msgType,
        session: "client-session",
        username: "client",
        date: new Date().toISOString(),
        version: "5.3",
      },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
    dispatcher.enqueue(channel, message);
    return message;
  }

  /** Messages caused by `parent`, as `channel:msg_type` strings in send order. */
  function trace(parent: JupyterMessage): string[] {
    return sent
      .filter(({ message }) => (message.parent_header as { msg_id?: string }).msg_id === parent.header.msg_id)
      .map(({ channel, message }) => `${channel}:${message.header.msg_type}`);
  }

  function replyTo(parent: JupyterMessage): JupyterMessage<Record<string, unknown>> {
    const reply = sent.find(
      ({ channel, message }) =>
        channel !== "iopub" && (message.parent_header as { msg_id?: string }).msg_id === parent.header.msg_id,
    );
    assert.ok(reply, `no reply to ${parent.header.msg_type}`);
    return reply.message as JupyterMessage<Record<string, unknown>>;
  }

  function published(parent: JupyterMessage, msgType: string): Array<Record<string, unknown>> {
    return sent
      .filter(
        ({ channel, message }) =>
          channel === "iopub" &&
          message.header.msg_type === msgType &&
          (message.parent_header as { msg_id?: string }).msg_id === parent.header.msg_id,
      )
      .map(({ message }) => message.content as Record<string, unknown>);
  }

  return { dispatcher, runner, sent, logLines, shutdowns, request, trace, replyTo, published };
}

const FAILURE_REPORT = { ename: "TypeError", evalue: "x is not a function", traceback: ["TypeError: x is not a function"] };
const FAILURE: CellOutcome = { status: "error", error: FAILURE_REPORT };

describe("handlers/dispatch", () => {
  describe("dispatch tables", () => {
    it("should name the reply type of every request type", () => {
      for (const table of [SHELL_HANDLERS, CONTROL_HANDLERS]) {
        for (const [requestType, entry] of Object.entries(table)) {
          assert.equal(entry.replyType, requestType.replace(/_request$/, "_reply"));
        }
      }
    });

    it("should keep execute off the control channel", () => {
      assert.equal(CONTROL_HANDLERS.execute_request, undefined);
      assert.ok(CONTROL_HANDLERS.interrupt_request);
      assert.ok(CONTROL_HANDLERS.shutdown_request);
    });
  });

  describe("Dispatcher", () => {
    it("should wrap kernel_info in busy and idle", async () => {
      const harness = createHarness();
      const request = harness.request("shell", "kernel_info_request");
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.trace(request), ["iopub:status", "shell:kernel_info_reply", "iopub:status"]);
      const states = harness.published(request, "status").map((content) => content.execution_state);
      assert.deepEqual(states, ["busy", "idle"]);
      const reply = harness.replyTo(request);
      assert.equal(reply.content.status, "ok");
      assert.equal((reply.content.language_info as { name: string }).name, "typescript");
      assert.deepEqual(reply.identities.map(String), ["peer"]);
      assert.equal(reply.header.session, "kernel-session");
    });

    it("should log and ignore unknown types", async () => {
      const harness = createHarness();
      const request = harness.request("shell", "frobnicate_request");
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.trace(request), ["iopub:status", "iopub:status"]);
      assert.ok(harness.logLines.some((line) => line.includes("WARN") && line.includes("frobnicate_request")));

      // Repeats of the same type are logged at the debug level only.
      harness.request("shell", "frobnicate_request");
      await harness.dispatcher.whenIdle();
      const mentions = harness.logLines.filter((line) => line.includes("frobnicate_request"));
      assert.equal(mentions.length, 2);
      assert.match(mentions[1], / DEBUG /);
    });

    it("should run a cell and publish its result", async () => {
      const harness = createHarness();
      harness.runner.outcomes.set("1 + 1", {
        status: "ok",
        result: { data: { "text/plain": "2" }, metadata: {} },
      });
      harness.runner.sideOutput.set("1 + 1", (sink) => sink.stream("stdout", "hello\n"));
      const request = harness.request("shell", "execute_request", { code: "1 + 1" });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.trace(request), [
        "iopub:status",
        "iopub:execute_input",
        "iopub:stream",
        "iopub:execute_result",
        "shell:execute_reply",
        "iopub:status",
      ]);
      assert.deepEqual(harness.published(request, "execute_input"), [{ code: "1 + 1", execution_count: 1 }]);
      assert.deepEqual(harness.published(request, "stream"), [{ name: "stdout", text: "hello\n" }]);
      assert.deepEqual(harness.published(request, "execute_result"), [
        { execution_count: 1, data: { "text/plain": "2" }, metadata: {} },
      ]);
      assert.deepEqual(harness.replyTo(request).content, {
        status: "ok",
        execution_count: 1,
        payload: [],
        user_expressions: {},
      });
    });

    it("should send displays with the running request as parent", async () => {
      const harness = createHarness();
      const payload = { version: 1, layers: [] };
      harness.runner.sideOutput.set("show()", (sink) => {
        sink.display({ data: { "application/vnd.dnaquant.weights+json": payload }, metadata: {}, transient: { display_id: "d1" } }, false);
        sink.display({ data: { "text/plain": "v2" }, metadata: {}, transient: { display_id: "d1" } }, true);
      });
      const request = harness.request("shell", "execute_request", { code: "show()" });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.published(request, "display_data")[0].data, { "application/vnd.dnaquant.weights+json": payload });
      assert.deepEqual(harness.published(request, "update_display_data")[0].transient, { display_id: "d1" });
    });

    it("should report a failed cell in error and reply", async () => {
      const harness = createHarness();
      harness.runner.outcomes.set("boom()", FAILURE);
      const request = harness.request("shell", "execute_request", { code: "boom()" });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.published(request, "error"), [FAILURE_REPORT]);
      const reply = harness.replyTo(request).content;
      assert.equal(reply.status, "error");
      assert.equal(reply.ename, "TypeError");
      assert.equal(reply.evalue, "x is not a function");
      assert.deepEqual(reply.traceback, ["TypeError: x is not a function"]);
      assert.equal(reply.execution_count, 1);
    });

    it("should abort queued executes after an error", async () => {
      const harness = createHarness();
      harness.runner.outcomes.set("fail", FAILURE);
      const failing = harness.request("shell", "execute_request", { code: "fail" });
      const queued1 = harness.request("shell", "execute_request", { code: "queued 1" });
      const info = harness.request("shell", "kernel_info_request");
      const queued2 = harness.request("shell", "execute_request", { code: "queued 2" });
      await harness.dispatcher.whenIdle();

      assert.equal(harness.replyTo(failing).content.status, "error");
      assert.deepEqual(harness.replyTo(queued1).content, { status: "aborted" });
      assert.deepEqual(harness.replyTo(queued2).content, { status: "aborted" });
      assert.equal(harness.replyTo(info).content.status, "ok");
      assert.deepEqual(harness.trace(queued1), ["iopub:status", "shell:execute_reply", "iopub:status"]);
      assert.deepEqual(harness.runner.ran, ["fail"]);

      // A request that arrives after the abort runs normally.
      const later = harness.request("shell", "execute_request", { code: "later" });
      await harness.dispatcher.whenIdle();
      assert.equal(harness.replyTo(later).content.status, "ok");
      assert.equal(harness.replyTo(later).content.execution_count, 2);
      assert.deepEqual(harness.runner.ran, ["fail", "later"]);
    });

    it("should run queued executes when stop_on_error is false", async () => {
      const harness = createHarness();
      harness.runner.outcomes.set("fail", FAILURE);
      harness.request("shell", "execute_request", { code: "fail", stop_on_error: false });
      const next = harness.request("shell", "execute_request", { code: "next" });
      await harness.dispatcher.whenIdle();

      assert.equal(harness.replyTo(next).content.status, "ok");
      assert.deepEqual(harness.runner.ran, ["fail", "next"]);
    });

    it("should keep silent executions quiet and uncounted", async () => {
      const harness = createHarness();
      harness.runner.outcomes.set("quiet", { status: "ok", result: { data: { "text/plain": "1" }, metadata: {} } });
      const silent = harness.request("shell", "execute_request", { code: "quiet", silent: true });
      const noHistory = harness.request("shell", "execute_request", { code: "quiet", store_history: false });
      const counted = harness.request("shell", "execute_request", { code: "quiet" });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.published(silent, "execute_input"), []);
      assert.deepEqual(harness.published(silent, "execute_result"), []);
      assert.equal(harness.replyTo(silent).content.execution_count, 0);
      assert.equal(harness.published(noHistory, "execute_result").length, 1);
      assert.equal(harness.replyTo(noHistory).content.execution_count, 0);
      assert.equal(harness.replyTo(counted).content.execution_count, 1);
    });

    it("should reply with an error for invalid content", async () => {
      const harness = createHarness();
      const request = harness.request("shell", "execute_request", { code: 42 });
      await harness.dispatcher.whenIdle();

      const reply = harness.replyTo(request).content;
      assert.equal(reply.status, "error");
      assert.equal(reply.ename, "TypeError");
      assert.match(reply.evalue as string, /execute_request: content\.code must be a string, got 42/);
      assert.deepEqual(harness.runner.ran, []);
      assert.ok(harness.logLines.some((line) => line.includes("ERROR") && line.includes("execute_request")));
    });

    it("should convert completion offsets to code points", async () => {
      const harness = createHarness();
      // The cursor after "x.to" is at code point 6 and UTF-16 offset 7, because "🧬" has two units.
      const code = "🧬;x.to";
      const request = harness.request("shell", "complete_request", { code, cursor_pos: 6 });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.replyTo(request).content, {
        status: "ok",
        matches: ["toFixed", "toString"],
        cursor_start: 4,
        cursor_end: 6,
        metadata: {},
      });
    });

    it("should answer inspect, is_complete, history and comm_info", async () => {
      const harness = createHarness();
      const found = harness.request("shell", "inspect_request", { code: "x + 1", cursor_pos: 0, detail_level: 0 });
      const missing = harness.request("shell", "inspect_request", { code: "y + 1", cursor_pos: 0 });
      const incomplete = harness.request("shell", "is_complete_request", { code: "if (a) {" });
      const history = harness.request("shell", "history_request", { output: false, raw: true, hist_access_type: "tail", n: 10 });
      const comms = harness.request("shell", "comm_info_request", { target_name: "jupyter.widget" });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.replyTo(found).content, {
        status: "ok",
        found: true,
        data: { "text/plain": "const x: number" },
        metadata: {},
      });
      assert.equal(harness.replyTo(missing).content.found, false);
      assert.deepEqual(harness.replyTo(incomplete).content, { status: "incomplete", indent: "  " });
      assert.deepEqual(harness.replyTo(history).content, { status: "ok", history: [] });
      assert.deepEqual(harness.replyTo(comms).content, { status: "ok", comms: {} });
    });

    it("should interrupt on control", async () => {
      const harness = createHarness();
      const request = harness.request("control", "interrupt_request");
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.trace(request), ["iopub:status", "control:interrupt_reply", "iopub:status"]);
      assert.equal(harness.runner.interrupts, 1);
    });

    it("should shut down after the reply and idle", async () => {
      const harness = createHarness();
      const request = harness.request("control", "shutdown_request", { restart: true });
      await harness.dispatcher.whenIdle();

      assert.deepEqual(harness.trace(request), ["iopub:status", "control:shutdown_reply", "iopub:status"]);
      assert.deepEqual(harness.replyTo(request).content, { status: "ok", restart: true });
      assert.deepEqual(harness.shutdowns, [true]);

      // Requests after the shutdown are dropped.
      const ignored = harness.request("shell", "kernel_info_request");
      await harness.dispatcher.whenIdle();
      assert.deepEqual(harness.trace(ignored), []);
      assert.deepEqual(harness.shutdowns, [true]);
    });

    it("should answer control while shell is busy", async () => {
      const harness = createHarness();
      let release: () => void = () => {};
      harness.runner.run = async (code) => {
        harness.runner.ran.push(code);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { status: "ok" };
      };
      const slow = harness.request("shell", "execute_request", { code: "slow" });
      const interrupt = harness.request("control", "interrupt_request");
      for (let turn = 0; turn < 5; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
      }

      assert.equal(harness.replyTo(interrupt).content.status, "ok");
      assert.equal(harness.trace(slow).includes("shell:execute_reply"), false);
      release();
      await harness.dispatcher.whenIdle();
      assert.equal(harness.replyTo(slow).content.status, "ok");
    });
  });
});
