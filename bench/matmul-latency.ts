/**
 * onnxruntime latency of one linear layer, fp32 and as each quantized operator that
 * `quantizeLinearWeights` writes: DynamicQuantizeMatMul (INT8), MatMulNBits (int4, block 32,
 * accuracy_level 4) and MatMulBnb4 (NF4, block 64). Layers 768 -> 3072 and 3072 -> 768, inputs of
 * 1 x 128 and 8 x 512 tokens, 2 intra-op threads, medians over many runs after warm-up.
 *
 * Usage (build first with `node node_modules/typescript/bin/tsc -b kernel`):
 *   node --import tsx bench/matmul-latency.ts [--runs 200] [--large-runs 30]
 */

import * as ort from "onnxruntime-node";

import { encodeModel, makeTensor, onnx, ONNX_DATA_TYPE, quantizeLinearWeights, type WeightScheme } from "dnaquant";

import { describeEnvironment, integerOption, markdownTable, median, seededNormal, watchOtherProcesses } from "./measure";

/** Operators compared, with the scheme that produces each (null keeps the fp32 MatMul). */
const OPERATORS: { name: string; scheme: WeightScheme | null }[] = [
  { name: "fp32 MatMul", scheme: null },
  { name: "DynamicQuantizeMatMul (INT8)", scheme: { kind: "int8" } },
  { name: "MatMulNBits (int4, block 32, accuracy_level 4)", scheme: { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 } },
  { name: "MatMulBnb4 (NF4, block 64)", scheme: { kind: "4bit", type: "nf4", blockSize: 64 } },
];

/** Layer shapes as [K, N]: input features, output features. */
const LAYERS: [number, number][] = [
  [768, 3072],
  [3072, 768],
];

/** Inputs as [batch, sequence length]. */
const INPUTS: [number, number][] = [
  [1, 128],
  [8, 512],
];

/** Intra-op threads of every session. */
const THREADS = 2;

/** Runs before timing starts. */
const WARM_UP_RUNS = 10;

/** Builds `Y = X · W` with X `[batch, sequence, K]` and a constant W `[K, N]`. */
function linearModel(k: number, n: number): onnx.ModelProto {
  const valueInfo = (name: string, width: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: ONNX_DATA_TYPE.FLOAT, shape: { dim: [{ dimParam: "batch" }, { dimParam: "sequence" }, { dimValue: width }] } } },
    });
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "linear",
      node: [{ name: "linear", opType: "MatMul", input: ["X", "W"], output: ["Y"] }],
      initializer: [makeTensor("W", ONNX_DATA_TYPE.FLOAT, [k, n], seededNormal(k * n, k + n, 0.02))],
      input: [valueInfo("X", k)],
      output: [valueInfo("Y", n)],
    },
  });
}

/** Returns the median milliseconds of `runs` session runs after the warm-up. */
async function measureRuns(session: ort.InferenceSession, input: ort.Tensor, runs: number): Promise<number> {
  const feeds = { X: input };
  for (let i = 0; i < WARM_UP_RUNS; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const smallRuns = integerOption("runs", 200);
  const largeRuns = integerOption("large-runs", 30);
  console.log("# Linear layer latency in onnxruntime\n");
  const otherProcesses = watchOtherProcesses();
  console.log(describeEnvironment().join("\n"));
  console.log(
    `- ${THREADS} intra-op threads, graph optimization level all; ${WARM_UP_RUNS} warm-up runs, then median of ${smallRuns} runs (1 x 128 tokens) or ${largeRuns} runs (8 x 512 tokens)\n`,
  );

  const header = ["operator", ...LAYERS.flatMap(([k, n]) => INPUTS.map(([batch, sequence]) => `${k}x${n}, ${batch}x${sequence} ms`))];
  const medians = new Map<string, number[]>();
  for (const { name, scheme } of OPERATORS) {
    const row: number[] = [];
    for (const [k, n] of LAYERS) {
      // Quantize with the library's own rewrite, then time the session.
      const model = linearModel(k, n);
      await quantizeLinearWeights(model, scheme, undefined, { workers: 0 });
      const session = await ort.InferenceSession.create(encodeModel(model), {
        executionProviders: ["cpu"],
        graphOptimizationLevel: "all",
        intraOpNumThreads: THREADS,
        interOpNumThreads: 1,
      });
      for (const [batch, sequence] of INPUTS) {
        const input = new ort.Tensor("float32", seededNormal(batch * sequence * k, batch + sequence), [batch, sequence, k]);
        row.push(await measureRuns(session, input, batch * sequence > 1024 ? largeRuns : smallRuns));
      }
      await session.release();
    }
    medians.set(name, row);
  }

  const fp32 = medians.get(OPERATORS[0]!.name)!;
  console.log("## Median ms per run\n");
  console.log(markdownTable(header, [...medians].map(([name, row]) => [name, ...row.map((ms) => ms.toFixed(2))])) + "\n");
  console.log("## Ratio to fp32 MatMul (below 1 is faster)\n");
  console.log(markdownTable(header.map((cell) => cell.replace(" ms", "")), [...medians].map(([name, row]) => [name, ...row.map((ms, i) => (ms / fp32[i]!).toFixed(2))])));
  console.log("\n" + otherProcesses());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
