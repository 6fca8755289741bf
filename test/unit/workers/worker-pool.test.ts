import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

import { closeSharedWorkerPools, sharedWorkerPool, WorkerPool } from "../../../kernel/src/workers/worker-pool";
import { REPO_ROOT } from "../../helpers/paths";

const ECHO_WORKER = path.join(REPO_ROOT, "test", "helpers", "echo-worker.ts");

type EchoRequest = number | "throw" | "exit";

/** Resolves once `condition` holds, checking every 10 ms, or rejects after `limitMs`. */
async function waitFor(condition: () => boolean, limitMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("WorkerPool", () => {
  it("answers more requests than workers", async () => {
    const pool = new WorkerPool<EchoRequest, number>(ECHO_WORKER, 2);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((value) => pool.run(value)));
      assert.deepEqual(results, [2, 4, 6, 8, 10]);
    } finally {
      await pool.close();
    }
  });

  it("rejects with the worker's error and stays usable", async () => {
    const pool = new WorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
    try {
      await assert.rejects(pool.run("throw"), { name: "RangeError", message: "invalid request" });
      assert.equal(pool.usable, true);
      assert.equal(await pool.run(21), 42);
    } finally {
      await pool.close();
    }
  });

  it("retires after a worker exits", async () => {
    let retired = 0;
    const pool = new WorkerPool<EchoRequest, number>(ECHO_WORKER, 2, { onRetire: () => retired++ });
    try {
      await assert.rejects(pool.run("exit"), /A worker thread exited with code 3 before it returned a result/);
      assert.equal(pool.usable, false);
      assert.equal(retired, 1);
    } finally {
      await pool.close();
    }
    assert.equal(retired, 1, "onRetire runs once");
  });

  it("rejects the queue and closes when no worker is left", async () => {
    const pool = new WorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
    try {
      const [crashed, queued] = await Promise.allSettled([pool.run("exit"), pool.run(1)]);
      assert.equal(crashed.status, "rejected");
      assert.equal(queued.status, "rejected");
      assert.match(String((queued as PromiseRejectedResult).reason), /exited with code 3/);
      await assert.rejects(pool.run(1), /The worker pool is closed/);
    } finally {
      await pool.close();
    }
  });

  it("closes after the idle timeout", async () => {
    const pool = new WorkerPool<EchoRequest, number>(ECHO_WORKER, 1, { idleTimeoutMs: 50 });
    assert.equal(await pool.run(1), 2);
    assert.equal(pool.usable, true);
    await waitFor(() => !pool.usable, 10_000, "the idle pool to close");
    await assert.rejects(pool.run(1), /The worker pool is closed/);
  });

  it("rejects an invalid size or idle timeout", () => {
    assert.throws(() => new WorkerPool(ECHO_WORKER, 0), /Worker pool size must be a positive integer, got 0/);
    assert.throws(() => new WorkerPool(ECHO_WORKER, 1, { idleTimeoutMs: -1 }), /idleTimeoutMs must be a non-negative number of milliseconds, got -1/);
  });

  it("lets the process exit while workers are idle", () => {
    // An idle timeout of ten minutes: the child ends only if idle workers do not keep it alive.
    const script = [
      `const { WorkerPool } = require(${JSON.stringify(path.join(REPO_ROOT, "kernel", "src", "workers", "worker-pool.ts"))});`,
      `const pool = new WorkerPool(${JSON.stringify(ECHO_WORKER)}, 2, { idleTimeoutMs: 600000 });`,
      `pool.run(4).then((result) => console.log("result " + result));`,
    ].join("\n");
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(child.signal, null, `the child was stopped after 60 s: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /result 8/);
  });
});

describe("sharedWorkerPool", () => {
  it("returns one pool per script and size", async () => {
    try {
      const first = sharedWorkerPool<EchoRequest, number>(ECHO_WORKER, 2);
      assert.equal(await first.run(1), 2);
      assert.equal(sharedWorkerPool(ECHO_WORKER, 2), first);
      assert.notEqual(sharedWorkerPool(ECHO_WORKER, 1), first);
    } finally {
      await closeSharedWorkerPools();
    }
  });

  it("starts a new pool after closing", async () => {
    const first = sharedWorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
    const pending = first.run(5);
    const closed = closeSharedWorkerPools();
    assert.equal(await pending, 10, "a request in flight finishes");
    await closed;
    assert.equal(first.usable, false);
    const second = sharedWorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
    try {
      assert.notEqual(second, first);
      assert.equal(await second.run(3), 6);
    } finally {
      await closeSharedWorkerPools();
    }
  });

  it("replaces a pool that lost a worker", async () => {
    try {
      const first = sharedWorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
      await assert.rejects(first.run("exit"), /exited with code 3/);
      const second = sharedWorkerPool<EchoRequest, number>(ECHO_WORKER, 1);
      assert.notEqual(second, first);
      assert.equal(await second.run(7), 14);
    } finally {
      await closeSharedWorkerPools();
    }
  });
});
