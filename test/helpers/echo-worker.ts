/**
 * Worker script for worker pool tests. It returns the double of a number request, an error
 * response for "throw", and ends the thread with code 3 for "exit", without a response.
 */

import { parentPort } from "node:worker_threads";

import type { WorkerRequestMessage, WorkerResponseMessage } from "../../kernel/src/workers/worker-pool";

parentPort!.on("message", ({ id, request }: WorkerRequestMessage<number | "throw" | "exit">) => {
  if (request === "exit") process.exit(3);
  let response: WorkerResponseMessage<number>;
  if (request === "throw") response = { id, error: { name: "RangeError", message: "invalid request" } };
  else response = { id, result: request * 2 };
  parentPort!.postMessage(response);
});
