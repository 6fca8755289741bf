import * as fs from "node:fs";
import * as zlib from "node:zlib";

/** Reads a text file, decompressing it when its name ends in `.gz`. */
export function readTextFile(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`File not found: ${file}. Check the path.`);
  const bytes = fs.readFileSync(file);
  if (!file.endsWith(".gz")) return bytes.toString("utf8");
  try {
    return zlib.gunzipSync(bytes).toString("utf8");
  } catch (error) {
    throw new Error(`Failed to decompress ${file}: ${(error as Error).message}. The file is not valid gzip; download it again.`);
  }
}
