/**
 * Quantization throughput of the built library, in GB/s of float32 input, beside a plain
 * typed-array copy loop over the same number of values measured in the same run. Part (a)
 * quantizes one 4096 x 4096 tensor and part (b) the 49 linear weights of a DNABERT-2-117M-shaped
 * model (113.8 M values), both on one thread. Part (c) runs `quantizeLinearWeights` on a graph of
 * those weights with 0, 1 and 2 worker threads. The graph is decoded from shared memory, as model
 * files are, and once from ordinary memory. The schemes run interleaved, one round at a time,
 * and the tables report medians over rounds.
 *
 * Usage (build first with `node node_modules/typescript/bin/tsc -b kernel`):
 *   node --import tsx bench/quantize-throughput.ts [--repetitions 7] [--graph-repetitions 5] [--parts abc]
 */

import {
  closeSharedWorkerPools,
  decodeModel,
  encodeModel,
  makeTensor,
  onnx,
  ONNX_DATA_TYPE,
  quantize4bit,
  quantizeInt4,
  quantizeInt8Rowwise,
  quantizeLinearWeights,
  type WeightScheme,
} from "dnaquant";

import { describeEnvironment, integerOption, markdownTable, median, seededNormal, stringOption, timeMs, timeMsAsync, watchOtherProcesses } from "./measure";

/** A float32 matrix `[rows, cols]`, rows being output channels. */
interface Weight {
  name: string;
  rows: number;
  cols: number;
  values: Float32Array;
}

/** One quantization scheme as the benchmark calls it on a `[rows, cols]` matrix. */
interface SchemeRun {
  name: string;
  run: (weight: Weight) => unknown;
}

const SCHEME_RUNS: SchemeRun[] = [
  { name: "INT8, per row", run: ({ values, rows, cols }) => quantizeInt8Rowwise(values, rows, cols) },
  { name: "NF4, block 64", run: ({ values }) => quantize4bit(values, { type: "nf4", blockSize: 64 }) },
  { name: "NF4, block 64, double quant", run: ({ values }) => quantize4bit(values, { type: "nf4", blockSize: 64, doubleQuant: true }) },
  { name: "FP4, block 64", run: ({ values }) => quantize4bit(values, { type: "fp4", blockSize: 64 }) },
  { name: "int4 symmetric, block 32", run: ({ values, rows, cols }) => quantizeInt4(values, rows, cols, { blockSize: 32, symmetric: true }) },
];

/** Standard deviation of the generated weights, about that of trained BERT linear weights. */
const WEIGHT_STD = 0.02;

/**
 * DNABERT-2-117M's linear weights as `[out_features, in_features]`: 12 layers of fused QKV,
 * attention output, gated MLP input (two halves of 3072) and MLP output, plus the pooler.
 */
function dnabert2Shapes(): { name: string; rows: number; cols: number }[] {
  const shapes: { name: string; rows: number; cols: number }[] = [];
  for (let layer = 0; layer < 12; layer++) {
    shapes.push({ name: `layer.${layer}.attention.Wqkv`, rows: 2304, cols: 768 });
    shapes.push({ name: `layer.${layer}.attention.output`, rows: 768, cols: 768 });
    shapes.push({ name: `layer.${layer}.mlp.gated_layers`, rows: 6144, cols: 768 });
    shapes.push({ name: `layer.${layer}.mlp.wo`, rows: 768, cols: 3072 });
  }
  shapes.push({ name: "pooler.dense", rows: 768, cols: 768 });
  return shapes;
}

/** Copies `input` into `output` one element at a time: the loop that the throughput is compared with. */
function copyLoop(input: Float32Array, output: Float32Array): void {
  for (let i = 0; i < input.length; i++) output[i] = input[i]!;
}

/**
 * Times the copy loop and every scheme over `weights`, interleaved, for `rounds` rounds after
 * one warm-up round, and returns the median milliseconds per method.
 */
function measureSchemes(weights: Weight[], rounds: number): Map<string, number> {
  const largest = Math.max(...weights.map((weight) => weight.values.length));
  const copyTarget = new Float32Array(largest);
  const methods: SchemeRun[] = [{ name: "copy loop", run: ({ values }) => copyLoop(values, copyTarget.subarray(0, values.length)) }, ...SCHEME_RUNS];
  const samples = new Map<string, number[]>(methods.map((method) => [method.name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const method of methods) {
      const elapsed = timeMs(() => {
        for (const weight of weights) method.run(weight);
      });
      if (round > 0) samples.get(method.name)!.push(elapsed);
    }
  }
  return new Map([...samples].map(([name, times]) => [name, median(times)]));
}

/** Formats the table of one measurement: milliseconds, GB/s and the ratio to the copy loop. */
function throughputTable(times: Map<string, number>, bytes: number): string {
  const copy = times.get("copy loop")!;
  const rows = [...times].map(([name, ms]) => [name, ms.toFixed(1), (bytes / ms / 1e6).toFixed(2), (copy / ms).toFixed(2)]);
  return markdownTable(["method", "median ms", "GB/s of float32 input", "x copy loop"], rows);
}

/** Builds a graph of MatMuls whose B inputs are the weights, stored `[K, N]` as ONNX exports them. */
function linearGraph(weights: Weight[]): onnx.ModelProto {
  const initializer = weights.map((weight) => makeTensor(weight.name, ONNX_DATA_TYPE.FLOAT, [weight.cols, weight.rows], weight.values));
  const node = weights.map((weight, i) => ({ name: `${weight.name}/MatMul`, opType: "MatMul", input: [`x${weight.cols}`, weight.name], output: [`y${i}`] }));
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: { name: "dnabert2-linear-weights", node, initializer },
  });
}

/** One configuration of part (c). */
interface GraphCase {
  name: string;
  scheme: WeightScheme;
  /** Decode the graph from shared memory, as `readModelBytes` reads model files. */
  shared: boolean;
}

const GRAPH_CASES: GraphCase[] = [
  { name: "INT8 (DynamicQuantizeMatMul)", scheme: { kind: "int8" }, shared: true },
  { name: "NF4, block 64 (MatMulBnb4)", scheme: { kind: "4bit", type: "nf4", blockSize: 64 }, shared: true },
  { name: "int4, block 32 (MatMulNBits)", scheme: { kind: "int4", blockSize: 32, symmetric: true, accuracyLevel: 4 }, shared: true },
  { name: "NF4, block 64, model bytes not shared", scheme: { kind: "4bit", type: "nf4", blockSize: 64 }, shared: false },
];

/** Worker counts of part (c); 0 quantizes on the calling thread. */
const WORKER_COUNTS = [0, 1, 2];

/**
 * Times `quantizeLinearWeights` on the encoded graph for each case and worker count, decoding a
 * fresh model for every call, and returns the table rows. Each case starts with no workers
 * running: round 0 times the first call, which starts the workers, and the later rounds reuse
 * them warm. Checks once per case that every worker count writes the same model bytes.
 */
async function measureGraph(encoded: Uint8Array, values: number, rounds: number): Promise<string[][]> {
  const sharedBytes = new Uint8Array(new SharedArrayBuffer(encoded.length));
  sharedBytes.set(encoded);
  const rows: string[][] = [];
  for (const { name, scheme, shared } of GRAPH_CASES) {
    await closeSharedWorkerPools();
    const samples = WORKER_COUNTS.map(() => [] as number[]);
    const firstCalls: number[] = [];
    let firstBytes: Uint8Array | undefined;
    for (let round = 0; round <= rounds; round++) {
      for (const [column, workers] of WORKER_COUNTS.entries()) {
        const model = decodeModel(shared ? sharedBytes : encoded, "benchmark graph");
        const elapsed = await timeMsAsync(() => quantizeLinearWeights(model, scheme, undefined, { workers }));
        if (round > 0) samples[column]!.push(elapsed);
        if (round === 0) {
          firstCalls.push(elapsed);
          const bytes = encodeModel(model);
          if (!firstBytes) firstBytes = bytes;
          else if (!Buffer.from(bytes).equals(Buffer.from(firstBytes))) throw new Error(`${name}: ${workers} workers changed the model bytes.`);
        }
      }
    }
    const [sequential, one, two] = samples.map(median) as [number, number, number];
    const [, firstOne, firstTwo] = firstCalls as [number, number, number];
    rows.push([
      name,
      sequential.toFixed(0),
      one.toFixed(0),
      two.toFixed(0),
      (one / two).toFixed(2),
      ((values * 4) / two / 1e6).toFixed(2),
      firstOne.toFixed(0),
      firstTwo.toFixed(0),
      (firstOne / firstTwo).toFixed(2),
    ]);
  }
  await closeSharedWorkerPools();
  return rows;
}

async function main(): Promise<void> {
  const rounds = integerOption("repetitions", 7);
  const graphRounds = integerOption("graph-repetitions", 5);
  const parts = stringOption("parts", "abc");
  console.log("# Quantization throughput\n");
  const otherProcesses = watchOtherProcesses();
  console.log(describeEnvironment().join("\n"));
  console.log(`- Rounds: ${rounds} for (a) and (b), ${graphRounds} for (c), after one warm-up round; medians\n`);

  // (a) One 4096 x 4096 tensor.
  if (parts.includes("a")) {
    const tensor: Weight = { name: "4096x4096", rows: 4096, cols: 4096, values: seededNormal(4096 * 4096, 1, WEIGHT_STD) };
    const tensorTimes = measureSchemes([tensor], rounds);
    console.log("## (a) One 4096 x 4096 float32 tensor (64 MiB), one thread\n");
    console.log(throughputTable(tensorTimes, tensor.values.byteLength) + "\n");
  }

  // (b) The DNABERT-2-117M-shaped set, one thread.
  const weights: Weight[] = dnabert2Shapes().map((shape, i) => ({ ...shape, values: seededNormal(shape.rows * shape.cols, 100 + i, WEIGHT_STD) }));
  const values = weights.reduce((sum, weight) => sum + weight.values.length, 0);
  if (parts.includes("b")) {
    const modelTimes = measureSchemes(weights, rounds);
    console.log(`## (b) DNABERT-2-117M-shaped linear weights: ${weights.length} tensors, ${values.toLocaleString("en-US")} values, one thread\n`);
    console.log(throughputTable(modelTimes, values * 4) + "\n");
  }

  // (c) quantizeLinearWeights on a graph of the same weights, with worker threads.
  if (parts.includes("c")) {
    const graphRows = await measureGraph(encodeModel(linearGraph(weights)), values, graphRounds);
    console.log("## (c) quantizeLinearWeights on a graph of the (b) weights, MatMul B stored [K, N]\n");
    console.log("Medians of later calls, with the workers warm, and the first call of each case, which starts them.\n");
    const headers = ["scheme", "calling thread ms", "1 worker ms", "2 workers ms", "speed-up 1 -> 2 workers", "GB/s with 2 workers"];
    console.log(markdownTable([...headers, "first call, 1 worker ms", "first call, 2 workers ms", "first call speed-up"], graphRows));
  }
  console.log("\n" + otherProcesses());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
