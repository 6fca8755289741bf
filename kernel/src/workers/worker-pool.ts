/**
 * A fixed-size pool of Node worker threads that run one request type each. Requests queue when
 * every worker is busy, so at most `size` requests are in flight.
 *
 * Shared pools ({@link sharedWorkerPool}) stay warm between calls: their workers have loaded
 * their modules and V8 has compiled their hot loops, which saves each later call the start-up
 * of the workers. Idle workers do not keep the process alive.
 */

import * as path from "node:path";
import { Worker, type TransferListItem } from "node:worker_threads";

/** Message from the pool to a worker. */
export interface WorkerRequestMessage<Request> {
  id: number;
  request: Request;
}

/** Message from a worker to the pool: a result or an error. */
export type WorkerResponseMessage<Result> = { id: number; result: Result } | { id: number; error: { name: string; message: string } };

interface PendingTask<Request, Result> {
  id: number;
  request: Request;
  transfer: TransferListItem[];
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

/** Settings of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * Milliseconds without a request in flight after which the pool stops its workers and closes.
   * Without it, the workers run until {@link WorkerPool.close}.
   */
  idleTimeoutMs?: number;
  /** Called once when the pool closes or loses a worker, after which it takes no new requests. */
  onRetire?: () => void;
}

/**
 * Returns the path of a worker script that sits beside `moduleFile`, with the same extension
 * (`.js` when built, `.ts` when run through a TypeScript loader such as tsx).
 */
export function siblingWorkerScript(moduleFile: string, baseName: string): string {
  return path.join(path.dirname(moduleFile), baseName + path.extname(moduleFile));
}

/**
 * Starts a worker. A TypeScript script exists only when the library runs from source (tests,
 * development), where the tsx loader is installed: it is loaded through tsx's CommonJS hook from
 * an evaluated bootstrap. Built code runs the .js script directly. Neither inherits the parent's
 * Node options: a loader such as `--import tsx` would be loaded again in every worker, which
 * takes several times as long as starting the worker itself.
 */
function createWorker(script: string): Worker {
  if (!script.endsWith(".ts")) return new Worker(script, { execArgv: [] });
  const bootstrap = `require("tsx/cjs"); require(${JSON.stringify(script)});`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/** A pool of workers that all run `script`. */
export class WorkerPool<Request, Result> {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: PendingTask<Request, Result>[] = [];
  private readonly running = new Map<Worker, PendingTask<Request, Result>>();
  private readonly options: WorkerPoolOptions;
  private idleTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;
  private nextId = 0;
  private closed = false;
  private retired = false;

  /**
   * @param script worker script that answers {@link WorkerRequestMessage}s with {@link WorkerResponseMessage}s.
   * @param size number of workers, at least 1.
   */
  constructor(script: string, size: number, options: WorkerPoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Worker pool size must be a positive integer, got ${size}.`);
    const { idleTimeoutMs } = options;
    if (idleTimeoutMs !== undefined && !(Number.isFinite(idleTimeoutMs) && idleTimeoutMs >= 0)) {
      throw new RangeError(`idleTimeoutMs must be a non-negative number of milliseconds, got ${String(idleTimeoutMs)}.`);
    }
    this.options = options;
    for (let i = 0; i < size; i++) {
      const worker = createWorker(script);
      worker.on("message", (message: WorkerResponseMessage<Result>) => this.finish(worker, message));
      worker.on("error", (error) => this.fail(worker, `A worker thread failed: ${error.message}`));
      worker.on("exit", (code) => this.fail(worker, `A worker thread exited with code ${code} before it returned a result.`));
      // A worker keeps the process alive only while it runs a request.
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
    this.startIdleTimer();
  }

  /** Whether the pool takes new requests: it is not closed and has lost no worker. */
  get usable(): boolean {
    return !this.closed && !this.retired;
  }

  /** Runs a request on the next free worker; `transfer` lists buffers moved to the worker. */
  run(request: Request, transfer: TransferListItem[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(new Error("The worker pool is closed."));
    if (this.all.length === 0) return Promise.reject(new Error("Every worker of the pool has failed; run the call again to start new workers."));
    this.stopIdleTimer();
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; requests still queued are rejected. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.retire();
    this.stopIdleTimer();
    for (const task of this.queue.splice(0)) task.reject(new Error("The worker pool was closed before the request ran."));
    this.closing = Promise.all(this.all.map((worker) => worker.terminate())).then(() => undefined);
    this.resolveClosed?.();
    return this.closing;
  }

  /** Takes no new requests, and closes once the requests in flight or queued have finished. */
  closeWhenIdle(): Promise<void> {
    this.retire();
    if (this.running.size === 0 && this.queue.length === 0) return this.close();
    return new Promise<void>((resolve) => {
      this.resolveClosed = () => void this.closing!.then(resolve);
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.ref();
      const message: WorkerRequestMessage<Request> = { id: task.id, request: task.request };
      worker.postMessage(message, task.transfer);
    }
  }

  private finish(worker: Worker, message: WorkerResponseMessage<Result>): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    worker.unref();
    this.idle.push(worker);
    if (task) {
      if ("error" in message) {
        const error = new Error(message.error.message);
        error.name = message.error.name;
        task.reject(error);
      } else {
        task.resolve(message.result);
      }
    }
    this.dispatch();
    this.afterRequest();
  }

  /**
   * Drops a worker that failed or exited, rejecting its request. The pool retires, so that shared
   * callers start a fresh one, and the other workers finish the queue. With no worker left, the
   * queue is rejected.
   */
  private fail(worker: Worker, reason: string): void {
    const position = this.all.indexOf(worker);
    if (position < 0) return;
    this.all.splice(position, 1);
    const idlePosition = this.idle.indexOf(worker);
    if (idlePosition >= 0) this.idle.splice(idlePosition, 1);
    const task = this.running.get(worker);
    this.running.delete(worker);
    if (this.closed) return;
    this.retire();
    task?.reject(new Error(reason));
    if (this.all.length === 0) {
      for (const queued of this.queue.splice(0)) queued.reject(new Error(reason));
    }
    this.afterRequest();
  }

  /** Closes a retired pool, or starts the idle timer, once no request is in flight or queued. */
  private afterRequest(): void {
    if (this.running.size > 0 || this.queue.length > 0 || this.closed) return;
    if (this.retired) void this.close();
    else this.startIdleTimer();
  }

  private retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.options.onRetire?.();
  }

  private startIdleTimer(): void {
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs === undefined || this.idleTimer) return;
    this.idleTimer = setTimeout(() => void this.close(), idleTimeoutMs);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/**
 * Milliseconds a shared pool waits without requests before it stops its workers. The workers
 * keep their working memory until then (for quantization, up to two float32 copies of the
 * largest weight each).
 */
export const SHARED_POOL_IDLE_MS = 10_000;

const sharedPools = new Map<string, WorkerPool<unknown, unknown>>();

/**
 * Returns the pool of `size` workers running `script` that every caller in this thread shares,
 * starting it if needed. Later calls within {@link SHARED_POOL_IDLE_MS} of the last request reuse
 * the warm workers. Callers do not close it; a pool that lost a worker is replaced on the next call.
 */
export function sharedWorkerPool<Request, Result>(script: string, size: number): WorkerPool<Request, Result> {
  const key = `${size} ${script}`;
  const existing = sharedPools.get(key);
  if (existing?.usable) return existing as WorkerPool<Request, Result>;
  const pool: WorkerPool<Request, Result> = new WorkerPool<Request, Result>(script, size, {
    idleTimeoutMs: SHARED_POOL_IDLE_MS,
    onRetire: () => {
      if (sharedPools.get(key) === pool) sharedPools.delete(key);
    },
  });
  sharedPools.set(key, pool as WorkerPool<unknown, unknown>);
  return pool;
}

/**
 * Stops the workers of every shared pool at once and frees their memory, instead of waiting
 * {@link SHARED_POOL_IDLE_MS}. Requests in flight are not affected: their pools close when those
 * requests finish. The next call that needs workers starts new ones.
 */
export async function closeSharedWorkerPools(): Promise<void> {
  const pools = [...sharedPools.values()];
  sharedPools.clear();
  await Promise.all(pools.map((pool) => pool.closeWhenIdle()));
}
