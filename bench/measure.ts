/**
 * Shared parts of the benchmarks: the machine description, seeded test data, timing with
 * medians, and Markdown tables.
 */

import * as fs from "node:fs";
import * as os from "node:os";

/** CPU flags worth reporting for numeric code. */
const REPORTED_CPU_FLAGS = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_int8"];

/** Returns the machine and software facts that a benchmark record needs, as Markdown lines. */
export function describeEnvironment(): string[] {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(cpuinfo)?.[1]?.trim();
  const flags = new Set((field("flags") ?? "").split(/\s+/));
  const ortVersion = (JSON.parse(fs.readFileSync(require.resolve("onnxruntime-node/package.json"), "utf8")) as { version: string }).version;
  return [
    `- CPU: ${field("model name") ?? os.cpus()[0]?.model ?? "unknown"}, ${os.availableParallelism()} logical cores`,
    `- CPU flags: ${REPORTED_CPU_FLAGS.filter((flag) => flags.has(flag)).join(", ") || "none of " + REPORTED_CPU_FLAGS.join(", ")}`,
    `- Node ${process.version} (V8 ${process.versions.v8}), onnxruntime-node ${ortVersion}, ${os.type()} ${os.release()}`,
    `- Load average at start (1, 5, 15 min): ${os.loadavg().map((load) => load.toFixed(2)).join(", ")}`,
  ];
}

/** Busy CPU time of the whole machine and of this process, in milliseconds, at one moment. */
interface CpuSnapshot {
  machineBusyMs: number;
  processMs: number;
  wallMs: number;
}

function cpuSnapshot(): CpuSnapshot {
  // /proc/stat counts in USER_HZ ticks of 10 ms: user nice system idle iowait irq softirq steal.
  const fields = fs.existsSync("/proc/stat") ? fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number) : [];
  const busyTicks = fields.reduce((sum, ticks, i) => (i === 3 || i === 4 ? sum : sum + ticks), 0);
  const { user, system } = process.cpuUsage();
  return { machineBusyMs: busyTicks * 10, processMs: (user + system) / 1000 + childrenCpuMs(), wallMs: performance.now() };
}

/**
 * CPU time of this process's finished child processes, in milliseconds: cutime and cstime of
 * /proc/self/stat (fields 16 and 17, in 10 ms ticks), so that benchmarks that measure in child
 * processes do not count them as other processes.
 */
function childrenCpuMs(): number {
  if (!fs.existsSync("/proc/self/stat")) return 0;
  // The command name in field 2 may contain spaces; the fields after it start after its ")".
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * Starts watching the CPU and returns a function that describes, as a Markdown line, how much of
 * the machine other processes used since: benchmarks on a shared machine need that to be read.
 */
export function watchOtherProcesses(): () => string {
  const start = cpuSnapshot();
  return () => {
    const end = cpuSnapshot();
    const capacityMs = (end.wallMs - start.wallMs) * os.availableParallelism();
    const othersMs = Math.max(0, end.machineBusyMs - start.machineBusyMs - (end.processMs - start.processMs));
    return `- CPU time of other processes during the run: ${((100 * othersMs) / capacityMs).toFixed(1)}% of the machine (from /proc/stat, 10 ms resolution)`;
  };
}

/**
 * Returns `length` normally distributed float32 values with standard deviation `std`, the same
 * for the same seed: xorshift32 uniforms through the Box-Muller transform.
 */
export function seededNormal(length: number, seed: number, std = 1): Float32Array {
  let state = seed >>> 0 || 0x9e3779b9;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** Returns the median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Returns the milliseconds that `run` takes. */
export function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Returns the milliseconds that the promise of `run` takes to settle. */
export async function timeMsAsync(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Formats a Markdown table; numbers in `rows` should be formatted strings already. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Reads a positive integer option such as `--repetitions 7`, or returns the default. */
export function integerOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`--${name} must be a positive integer, got ${String(process.argv[index + 1])}.`);
  }
  return value;
}

/** Reads a string option such as `--parts ab`, or returns the default. */
export function stringOption(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new RangeError(`--${name} needs a value.`);
  return value;
}
