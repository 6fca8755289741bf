/**
 * Compiles the library's `.wat` sources and writes the TypeScript modules that embed them.
 *
 * Usage: npm run build:wasm   (node --import tsx scripts/build-wasm.ts)
 */

import { writeFileSync } from "node:fs";
import path from "node:path";

import { compileWat, renderModuleSource, REPO_ROOT, WASM_SOURCES } from "./wasm/compile-wat";

async function main(): Promise<void> {
  for (const source of WASM_SOURCES) {
    const bytes = await compileWat(source.wat);
    writeFileSync(path.resolve(REPO_ROOT, source.output), renderModuleSource(source, bytes));
    console.log(`wrote ${source.output} (${bytes.length} bytes of WebAssembly from ${source.wat})`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
