/**
 * A fixed-size pool of Node worker threads that run one request type each. Requests queue when
 * every worker is busy, so at most `size` requests are in flight.
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
  private nextId = 0;
  private closed = false;

  /**
   * @param script worker script that answers {@link WorkerRequestMessage}s with {@link WorkerResponseMessage}s.
   * @param size number of workers, at least 1.
   */
  constructor(script: string, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Worker pool size must be a positive integer, got ${size}.`);
    for (let i = 0; i < size; i++) {
      const worker = createWorker(script);
      worker.on("message", (message: WorkerResponseMessage<Result>) => this.finish(worker, message));
      worker.on("error", (error) => this.fail(worker, error));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Runs a request on the next free worker; `transfer` lists buffers moved to the worker. */
  run(request: Request, transfer: TransferListItem[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(new Error("The worker pool is closed."));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; requests still queued are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("The worker pool was closed before the request ran."));
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      const message: WorkerRequestMessage<Request> = { id: task.id, request: task.request };
      worker.postMessage(message, task.transfer);
    }
  }

  private finish(worker: Worker, message: WorkerResponseMessage<Result>): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
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
  }

  private fail(worker: Worker, error: Error): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    task?.reject(new Error(`A worker thread failed: ${error.message}`));
  }
}
