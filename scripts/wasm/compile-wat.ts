/**
 * Compiles the library's WebAssembly text sources with wabt (the npm package, a build of the
 * WebAssembly Binary Toolkit) and renders the TypeScript modules that embed their bytes.
 */

import { readFileSync } from "node:fs";
import path from "node:path";

import wabt from "wabt";

/** Repository root, two levels above this file. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** A `.wat` source and the generated TypeScript module that embeds its binary. */
export interface WasmSource {
  /** Path of the `.wat` file, relative to the repository root. */
  wat: string;
  /** Path of the generated `.ts` file, relative to the repository root. */
  output: string;
  /** Name of the exported byte array in the generated file. */
  exportName: string;
}

/** The library's WebAssembly modules. */
export const WASM_SOURCES: readonly WasmSource[] = [
  { wat: "kernel/src/quant/wasm/int8.wat", output: "kernel/src/quant/wasm/int8-module.ts", exportName: "INT8_WASM_BYTES" },
];

/** Command that regenerates every file in {@link WASM_SOURCES}. */
export const BUILD_COMMAND = "npm run build:wasm";

/**
 * Compiles a `.wat` file to a WebAssembly binary with SIMD and saturating float-to-int
 * conversions enabled, after validating it.
 * @throws Error from wabt with the file, line and column of a syntax or validation error.
 */
export async function compileWat(watPath: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const text = readFileSync(path.resolve(REPO_ROOT, watPath), "utf8");
  const module = toolkit.parseWat(path.basename(watPath), text, { simd: true, sat_float_to_int: true });
  try {
    module.validate();
    return module.toBinary({}).buffer.slice();
  } finally {
    module.destroy();
  }
}

/** Renders the TypeScript module that exports `bytes` as `source.exportName`, 16 bytes a line. */
export function renderModuleSource(source: WasmSource, bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += 16) {
    const line = Array.from(bytes.subarray(start, start + 16), (byte) => `0x${byte.toString(16).padStart(2, "0")}`);
    lines.push(`  ${line.join(", ")},`);
  }
  return [
    `// Generated from ${path.basename(source.wat)} by \`${BUILD_COMMAND}\` (scripts/build-wasm.ts). Do not edit.`,
    "",
    `/** The WebAssembly binary of ${path.basename(source.wat)}, ${bytes.length} bytes. */`,
    `export const ${source.exportName}: readonly number[] = [`,
    ...lines,
    "];",
    "",
  ].join("\n");
}
