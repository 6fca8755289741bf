import * as fs from "node:fs";
import * as path from "node:path";

import { DATA_DIR } from "./paths";

/** Reads the first `count` sequences of DNALLM's promoter test set (300 bp each). */
export function promoterSequences(count: number): string[] {
  const file = path.join(DATA_DIR, "dnallm", "binary_classification", "test.csv");
  const rows = fs.readFileSync(file, "utf8").trim().split("\n").slice(1);
  return rows.slice(0, count).map((row) => row.split(",")[0]!);
}
