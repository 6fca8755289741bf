/**
 * One model load and its forward passes, measured in a fresh Node process so that the peak
 * resident memory belongs to that load alone. The benchmark scripts start this file as a child
 * process with `runModelCase`. Run as a script, it measures the case given as JSON in `--case`
 * and prints the result as one JSON line.
 *
 * Memory figures come from /proc/self/status: VmHWM is the peak resident set size of the process
 * so far, VmRSS the current one, both in bytes here (the file gives kB = 1024 bytes).
 */

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import * as ort from "onnxruntime-node";

import { closeSharedWorkerPools, loadModel, type LoadOptions } from "dnaquant";

import { median } from "./measure";

/** Token inputs of one forward pass, and how often to time it. */
export interface ForwardSpec {
  batch: number;
  length: number;
  /** Untimed runs first. */
  warmUp: number;
  /** Timed runs; the result is their median. */
  runs: number;
}

/** One case: a model file loaded with some options, then forward passes. */
export interface ModelCase {
  /** Model folder or .onnx file; omitted for the baseline of the library and onnxruntime alone. */
  model?: string;
  options?: LoadOptions;
  forward?: ForwardSpec[];
  /** Vocabulary size, to draw token ids below it. */
  vocabSize?: number;
}

/** Resident memory figures in bytes. */
export interface MemoryStatus {
  peakBytes: number;
  residentBytes: number;
}

/** Measurements of one case. */
export interface ModelCaseResult {
  loadSeconds: number;
  /** Right after the load returned. */
  afterLoad: MemoryStatus;
  /**
   * After garbage collections that free the load's JavaScript copies of the weights: the
   * memory the loaded model keeps.
   */
  afterCollection: MemoryStatus;
  /** After the last forward pass. */
  atEnd: MemoryStatus;
  /** Weights as the session stores them (`getMemoryFootprint().totalBytes`). */
  footprintBytes: number;
  forward: { batch: number; length: number; medianMs: number; samplesMs: number[] }[];
}

/** Reads VmHWM and VmRSS of this process. */
export function memoryStatus(): MemoryStatus {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  const kilobytes = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { peakBytes: kilobytes("VmHWM") * 1024, residentBytes: kilobytes("VmRSS") * 1024 };
}

/**
 * Runs `modelCase` in a fresh Node process (with `--expose-gc`) and returns what it measured.
 * @throws Error with the child's stderr when it fails.
 */
export function runModelCase(modelCase: ModelCase): Promise<ModelCaseResult> {
  const args = ["--expose-gc", "--import", "tsx", __filename, "--case", JSON.stringify(modelCase)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 24, cwd: path.resolve(__dirname, "..") }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`The benchmark child for ${JSON.stringify(modelCase)} failed: ${error.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split("\n").pop() ?? "";
      resolve(JSON.parse(line) as ModelCaseResult);
    });
  });
}

/** Returns token ids `[batch, length]` drawn from a fixed sequence, all positions attended. */
function tokenFeeds(session: ort.InferenceSession, batch: number, length: number, vocabSize: number): Record<string, ort.Tensor> {
  const count = batch * length;
  // Ids 5 and up: below 5 are DNABERT-2's special tokens.
  const ids = BigInt64Array.from({ length: count }, (_, i) => BigInt(5 + ((i * 2654435761) % (vocabSize - 5))));
  const available: Record<string, BigInt64Array> = {
    input_ids: ids,
    attention_mask: new BigInt64Array(count).fill(1n),
    token_type_ids: new BigInt64Array(count),
  };
  return Object.fromEntries(session.inputNames.map((name) => [name, new ort.Tensor("int64", available[name]!, [batch, length])]));
}

/**
 * Runs two full garbage collections a tick apart: the weights handed to onnxruntime are freed only
 * by the second, after the session's creation has returned (measured with process.memoryUsage()).
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("Run the benchmark child with --expose-gc.");
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measureCase(modelCase: ModelCase): Promise<ModelCaseResult> {
  // The baseline loads the library and onnxruntime's native code with a one-node session.
  if (!modelCase.model) {
    const { onnx } = await import("dnaquant");
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        name: "baseline",
        node: [{ opType: "Relu", input: ["X"], output: ["Y"] }],
        input: [{ name: "X", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
        output: [{ name: "Y", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
      },
    });
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
    await session.run({ X: new ort.Tensor("float32", Float32Array.of(1), [1]) });
    await collectGarbage();
    const status = memoryStatus();
    return { loadSeconds: 0, afterLoad: status, afterCollection: status, atEnd: status, footprintBytes: 0, forward: [] };
  }

  const started = performance.now();
  const model = await loadModel(modelCase.model, { ...modelCase.options, numThreads: 2, warn: () => {} });
  const loadSeconds = (performance.now() - started) / 1000;
  const afterLoad = memoryStatus();
  // Quantization workers stay warm for later loads; stopping them leaves the model alone resident.
  await closeSharedWorkerPools();
  await collectGarbage();
  const afterCollection = memoryStatus();

  const forward: ModelCaseResult["forward"] = [];
  for (const spec of modelCase.forward ?? []) {
    const feeds = tokenFeeds(model.session, spec.batch, spec.length, modelCase.vocabSize ?? 4096);
    for (let i = 0; i < spec.warmUp; i++) await model.session.run(feeds);
    const samplesMs: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      const start = process.hrtime.bigint();
      await model.session.run(feeds);
      samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    forward.push({ batch: spec.batch, length: spec.length, medianMs: median(samplesMs), samplesMs });
  }
  const result = { loadSeconds, afterLoad, afterCollection, atEnd: memoryStatus(), footprintBytes: model.getMemoryFootprint().totalBytes, forward };
  await model.dispose();
  return result;
}

if (require.main === module) {
  const index = process.argv.indexOf("--case");
  if (index < 0) {
    console.error("Usage: node --expose-gc --import tsx bench/model-runs.ts --case '<ModelCase JSON>'");
    process.exitCode = 2;
  } else {
    measureCase(JSON.parse(process.argv[index + 1]!) as ModelCase).then(
      (result) => console.log(JSON.stringify(result)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
