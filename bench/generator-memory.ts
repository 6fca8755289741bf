/**
 * Peak resident memory of loading a GENERator-eukaryote-1.2b-shaped decoder (1.25 B parameters,
 * 5.0 GB of float32 in external data) in float32, INT8 and NF4, each load in a fresh Node
 * process, and the latency of a short forward pass after it. The model is generated into
 * bench/out/models/generator-1.2b-shaped on first use (about a minute, 5 GB of disk) and kept for
 * later runs. `--delete-model` removes it at the end.
 *
 * Usage: `npm run bench:generator` builds the kernel package and runs this script. To run it
 * alone, after a build:
 *   node --import tsx bench/generator-memory.ts [--repetitions 3] [--runs 5] [--length 32]
 *     [--schemes fp32,int8,nf4] [--delete-model]
 */

import * as fs from "node:fs";
import * as path from "node:path";

import type { LoadOptions } from "dnaquant";

import { describeEnvironment, integerOption, markdownTable, median, stringOption, watchOtherProcesses } from "./measure";
import { runModelCase, type ModelCaseResult } from "./model-runs";
import { GENERATOR_1_2B_SHAPE, llamaParameterCount, writeLlamaDecoder } from "./models/llama-decoder";

/** Folder of the generated model. */
const MODEL_DIR = path.resolve(__dirname, "out", "models", "generator-1.2b-shaped");

/** Schemes measured, with their load options. */
const SCHEMES: Record<string, LoadOptions> = {
  fp32: {},
  int8: { loadIn8bit: true },
  nf4: { loadIn4bit: true },
  fp4: { loadIn4bit: true, quantType: "fp4" },
  int4: { loadIn4bit: true, quantType: "int4" },
};

/** Peak resident memory the 4-bit load must stay under: 2 GB. */
const FOUR_BIT_PEAK_TARGET_BYTES = 2e9;

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
const gb = (bytes: number) => (bytes / 1e9).toFixed(2);

async function main(): Promise<void> {
  const repetitions = integerOption("repetitions", 3);
  const runs = integerOption("runs", 5);
  const length = integerOption("length", 32);
  const schemes = stringOption("schemes", "fp32,int8,nf4").split(",");
  for (const scheme of schemes) if (!(scheme in SCHEMES)) throw new RangeError(`--schemes: unknown scheme "${scheme}"; use ${Object.keys(SCHEMES).join(", ")}.`);

  // The model, generated once.
  const onnxPath = path.join(MODEL_DIR, "model.onnx");
  if (!fs.existsSync(onnxPath)) {
    console.error(`Generating the model into ${MODEL_DIR} ...`);
    const generated = writeLlamaDecoder(MODEL_DIR);
    console.error(`... ${gb(generated.dataBytes)} GB of external data in ${generated.seconds.toFixed(0)} s.`);
  }

  console.log("# GENERator-1.2b-shaped decoder: peak memory of a load\n");
  const otherProcesses = watchOtherProcesses();
  console.log(describeEnvironment().join("\n"));
  const dataBytes = fs.statSync(path.join(MODEL_DIR, "model.onnx_data")).size;
  console.log(
    `- Model: ${(llamaParameterCount(GENERATOR_1_2B_SHAPE) / 1e9).toFixed(3)} B parameters, ${gb(dataBytes)} GB of float32 in model.onnx_data (bench/models/llama-decoder.ts)`,
  );
  console.log(`- ${repetitions} fresh processes per scheme, run in rotation; 2 intra-op threads; forward pass 1 x ${length} tokens, 1 warm-up then median of ${runs}\n`);

  // Each repetition runs every scheme once, so that load on the machine spreads over all of them.
  const results = new Map<string, ModelCaseResult[]>(schemes.map((scheme) => [scheme, []]));
  const baselines: ModelCaseResult[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    baselines.push(await runModelCase({}));
    for (const scheme of schemes) {
      const result = await runModelCase({ model: onnxPath, options: SCHEMES[scheme]!, vocabSize: GENERATOR_1_2B_SHAPE.vocabSize, forward: [{ batch: 1, length, warmUp: 1, runs }] });
      results.get(scheme)!.push(result);
      console.error(`${scheme}: peak ${gib(result.atEnd.peakBytes)} GiB, load ${result.loadSeconds.toFixed(1)} s, forward ${result.forward[0]!.medianMs.toFixed(0)} ms`);
    }
  }

  const baselinePeak = median(baselines.map((result) => result.afterLoad.peakBytes));
  const fp32Peak = results.has("fp32") ? median(results.get("fp32")!.map((result) => result.atEnd.peakBytes)) : undefined;
  const rows = [...results].map(([scheme, list]) => {
    const peak = median(list.map((result) => result.atEnd.peakBytes));
    return [
      scheme,
      gib(median(list.map((result) => result.afterLoad.peakBytes))),
      gib(peak),
      gb(peak),
      fp32Peak ? (peak / fp32Peak).toFixed(2) : "-",
      gib(median(list.map((result) => result.afterCollection.residentBytes))),
      gib(median(list.map((result) => result.footprintBytes))),
      median(list.map((result) => result.loadSeconds)).toFixed(1),
      median(list.map((result) => result.forward[0]!.medianMs)).toFixed(0),
    ];
  });
  console.log("## Medians over processes\n");
  console.log(
    markdownTable(
      ["scheme", "peak after load GiB", "peak at end GiB", "peak at end GB", "peak / fp32", "resident after GC GiB", "weights as stored GiB", "load s", `forward 1x${length} ms`],
      rows,
    ) + "\n",
  );
  console.log(`Baseline (library and onnxruntime loaded, one-node session): peak ${gib(baselinePeak)} GiB.\n`);
  if (results.has("nf4")) {
    const peak = median(results.get("nf4")!.map((result) => result.atEnd.peakBytes));
    const verdict = peak < FOUR_BIT_PEAK_TARGET_BYTES ? "met" : "missed";
    console.log(`NF4 peak ${gb(peak)} GB against the 2 GB target: ${verdict}.\n`);
  }
  console.log(otherProcesses());

  if (process.argv.includes("--delete-model")) fs.rmSync(MODEL_DIR, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
