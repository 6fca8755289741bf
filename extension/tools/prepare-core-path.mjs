// Writes build/core-path/package.json for `build-labextension --core-path build/core-path`.
//
// @jupyterlab/builder reads `<core-path>/package.json` as JupyterLab's core package.json. From
// its dependencies and resolutions it takes the version ranges of shared modules, and from
// `jupyterlab.singletonPackages` the modules that the host provides and the extension must not
// bundle. The Python jupyterlab package contains that file as jupyterlab/staging/package.json.
// @jupyterlab/core-meta contains a copy of it as core.package.json (one core-meta version per
// JupyterLab version), so no Python install is needed.
//
// core-meta's own package.json is not the core package.json, which is why the directory
// node_modules/@jupyterlab/core-meta cannot be passed as --core-path directly.

import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const extensionDir = dirname(dirname(fileURLToPath(import.meta.url)));
const corePathDir = join(extensionDir, "build", "core-path");

const source = require.resolve("@jupyterlab/core-meta/core.package.json");
const core = JSON.parse(readFileSync(source, "utf8"));
if (!Array.isArray(core?.jupyterlab?.singletonPackages)) {
  console.error(
    `${source} has no jupyterlab.singletonPackages list, so it is not a JupyterLab core ` +
      "package.json. Reinstall @jupyterlab/core-meta (npm ci).",
  );
  process.exit(1);
}

mkdirSync(corePathDir, { recursive: true });
copyFileSync(source, join(corePathDir, "package.json"));
console.log(`Wrote the JupyterLab ${core.version} core package.json to ${corePathDir}.`);
