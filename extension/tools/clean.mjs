// Removes everything that `npm run build` generates in this package.

import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const extensionDir = dirname(dirname(fileURLToPath(import.meta.url)));

for (const generated of ["lib", "labextension", "build", "tsconfig.tsbuildinfo"]) {
  rmSync(join(extensionDir, generated), { recursive: true, force: true });
}
