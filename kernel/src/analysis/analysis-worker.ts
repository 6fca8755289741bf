/** Worker thread that analyzes one weight per request. */

import { parentPort } from "node:worker_threads";

import type { WorkerRequestMessage, WorkerResponseMessage } from "../workers/worker-pool";
import { analyzeLayer } from "./analyze-layer";
import type { LayerRequest, LayerResult } from "./layer-task";

parentPort!.on("message", ({ id, request }: WorkerRequestMessage<LayerRequest>) => {
  let response: WorkerResponseMessage<LayerResult>;
  try {
    const { values, rows, cols, schemes, name, bins } = request;
    response = { id, result: analyzeLayer(values, rows, cols, schemes, name, bins) };
  } catch (error) {
    const { name, message } = error as Error;
    response = { id, error: { name, message } };
  }
  parentPort!.postMessage(response);
});
