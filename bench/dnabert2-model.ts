/**
 * Whole-model figures of a DNABERT-2-117M-shaped encoder (120 M parameters, 480 MB of float32)
 * in fp32, INT8, NF4, FP4 and int4. It measures forward latency at 1 x 128 and 8 x 512 tokens,
 * load time (with quantization) against the float32 load, and resident memory after the load. Every load
 * runs in a fresh Node process. The model is generated into bench/out/models/dnabert2-117m-shaped
 * on first use (about 10 s) and kept.
 *
 * Usage: `npm run bench:dnabert2` builds the kernel package and runs this script; alone, after a build:
 *   node --import tsx bench/dnabert2-model.ts [--repetitions 3] [--runs 20] [--large-runs 5]
 *     [--storage inline|external]
 */

import * as fs from "node:fs";
import * as path from "node:path";

import type { LoadOptions } from "dnaquant";

import { describeEnvironment, integerOption, markdownTable, median, stringOption, watchOtherProcesses } from "./measure";
import { runModelCase, type ForwardSpec, type ModelCaseResult } from "./model-runs";
import { DNABERT2_117M_SHAPE, dnabert2ParameterCount, writeDnabert2Encoder } from "./models/dnabert2-encoder";
import type { WeightStorage } from "./models/graph-builder";

/**
 * Schemes that can be measured, with their load options (default block sizes: 64 for NF4 and
 * FP4, 32 for int4). fp32 is always measured, as the reference of the ratios.
 */
const ALL_SCHEMES: [string, LoadOptions][] = [
  ["fp32", {}],
  ["int8", { loadIn8bit: true }],
  ["nf4", { loadIn4bit: true }],
  ["fp4", { loadIn4bit: true, quantType: "fp4" }],
  ["int4", { loadIn4bit: true, quantType: "int4" }],
  ["int4-b128", { loadIn4bit: true, quantType: "int4", blockSize: 128 }],
];

/** Schemes measured when `--schemes` is not given. */
const DEFAULT_SCHEMES = "fp32,int8,nf4,fp4,int4,int4-b128";

/** Returns the schemes named in `list` (comma-separated), fp32 first. */
function selectSchemes(list: string): [string, LoadOptions][] {
  const names = new Set(["fp32", ...list.split(",").map((name) => name.trim()).filter(Boolean)]);
  for (const name of names) {
    if (!ALL_SCHEMES.some(([scheme]) => scheme === name)) {
      throw new RangeError(`Unknown scheme "${name}" in --schemes; choose from ${ALL_SCHEMES.map(([scheme]) => scheme).join(", ")}.`);
    }
  }
  return ALL_SCHEMES.filter(([scheme]) => names.has(scheme));
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  const repetitions = integerOption("repetitions", 3);
  const runs = integerOption("runs", 20);
  const largeRuns = integerOption("large-runs", 5);
  const storage = stringOption("storage", "inline") as WeightStorage;
  const schemes = selectSchemes(stringOption("schemes", DEFAULT_SCHEMES));
  const directory = path.resolve(__dirname, "out", "models", storage === "inline" ? "dnabert2-117m-shaped" : `dnabert2-117m-shaped-${storage}`);
  if (!fs.existsSync(path.join(directory, "model.onnx"))) {
    console.error(`Generating the model into ${directory} ...`);
    writeDnabert2Encoder(directory, DNABERT2_117M_SHAPE, storage);
  }
  const forward: ForwardSpec[] = [
    { batch: 1, length: 128, warmUp: 3, runs },
    { batch: 8, length: 512, warmUp: 1, runs: largeRuns },
  ];

  console.log("# DNABERT-2-117M-shaped encoder: latency, load time and memory\n");
  const otherProcesses = watchOtherProcesses();
  console.log(describeEnvironment().join("\n"));
  console.log(`- Model: ${(dnabert2ParameterCount(DNABERT2_117M_SHAPE) / 1e6).toFixed(1)} M parameters, weights ${storage} (bench/models/dnabert2-encoder.ts)`);
  console.log(
    `- ${repetitions} fresh processes per scheme, run in rotation; 2 intra-op threads; 1x128: ${forward[0]!.warmUp} warm-up runs then median of ${runs}; 8x512: ${forward[1]!.warmUp} warm-up run then median of ${largeRuns}\n`,
  );

  // Each repetition runs every scheme once, so that load on the machine spreads over all of them.
  const results = new Map<string, ModelCaseResult[]>(schemes.map(([scheme]) => [scheme, []]));
  const baselines: ModelCaseResult[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    baselines.push(await runModelCase({}));
    for (const [scheme, options] of schemes) {
      const result = await runModelCase({ model: directory, options, vocabSize: DNABERT2_117M_SHAPE.vocabSize, forward });
      results.get(scheme)!.push(result);
      console.error(`${scheme}: load ${result.loadSeconds.toFixed(2)} s, ${result.forward.map((entry) => `${entry.batch}x${entry.length} ${entry.medianMs.toFixed(0)} ms`).join(", ")}`);
    }
  }

  // Medians over processes, and ratios to fp32.
  const baseline = median(baselines.map((result) => result.afterCollection.residentBytes));
  const summary = new Map(
    [...results].map(([scheme, list]) => [
      scheme,
      {
        small: median(list.map((result) => result.forward[0]!.medianMs)),
        large: median(list.map((result) => result.forward[1]!.medianMs)),
        load: median(list.map((result) => result.loadSeconds)),
        peakAfterLoad: median(list.map((result) => result.afterLoad.peakBytes)),
        resident: median(list.map((result) => result.afterLoad.residentBytes)),
        residentAfterCollection: median(list.map((result) => result.afterCollection.residentBytes)),
        footprint: median(list.map((result) => result.footprintBytes)),
      },
    ]),
  );
  const fp32 = summary.get("fp32")!;
  console.log("## Forward latency, median ms per run\n");
  console.log(
    markdownTable(
      ["scheme", "1x128 ms", "1x128 / fp32", "8x512 ms", "8x512 / fp32"],
      [...summary].map(([scheme, s]) => [scheme, s.small.toFixed(1), (s.small / fp32.small).toFixed(2), s.large.toFixed(0), (s.large / fp32.large).toFixed(2)]),
    ) + "\n",
  );
  console.log("## Load time and memory after the load\n");
  console.log(
    markdownTable(
      ["scheme", "load s", "load / fp32", "peak MiB", "resident MiB", "resident after GC MiB", "resident - baseline MiB", "/ fp32", "weights as stored MiB", "/ fp32"],
      [...summary].map(([scheme, s]) => [
        scheme,
        s.load.toFixed(2),
        (s.load / fp32.load).toFixed(2),
        mib(s.peakAfterLoad),
        mib(s.resident),
        mib(s.residentAfterCollection),
        mib(s.residentAfterCollection - baseline),
        ((s.residentAfterCollection - baseline) / (fp32.residentAfterCollection - baseline)).toFixed(2),
        mib(s.footprint),
        (s.footprint / fp32.footprint).toFixed(2),
      ]),
    ) + "\n",
  );
  console.log(`Baseline (library and onnxruntime loaded, one-node session, after GC): ${mib(baseline)} MiB resident.\n`);
  console.log(otherProcesses());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
