/** Worker thread that quantizes one linear weight per request for `quantizeLinearWeights`. */

import { parentPort } from "node:worker_threads";

import type { WorkerRequestMessage, WorkerResponseMessage } from "../workers/worker-pool";
import { LayerScratch, layerResultBuffers, quantizeLayer, type LayerQuantizationRequest, type LayerQuantizationResult } from "./layer-quantization";

/** Working memory reused by every request of this thread. */
const scratch = new LayerScratch();

parentPort!.on("message", ({ id, request }: WorkerRequestMessage<LayerQuantizationRequest>) => {
  let response: WorkerResponseMessage<LayerQuantizationResult>;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = quantizeLayer(request, scratch);
    response = { id, result };
    transfer = layerResultBuffers(result);
  } catch (error) {
    const { name, message } = error as Error;
    response = { id, error: { name, message } };
  }
  parentPort!.postMessage(response, transfer);
});
