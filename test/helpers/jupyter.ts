/**
 * Jupyter set-up for tests: a kernel spec of the built dnaquant kernel in a temporary prefix and
 * an environment that keeps every Jupyter folder inside it.
 */

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { REPO_ROOT } from "./paths";

/** Debian's Python, which sees Debian's Jupyter packages. */
export const DEBIAN_PYTHON = process.env.DNAQUANT_DEBIAN_PYTHON ?? "/usr/bin/python3";

/** A temporary Jupyter prefix with the dnaquant kernel spec installed. */
export interface JupyterSandbox {
  root: string;
  /** Environment for Jupyter processes: JUPYTER_PATH and the data, runtime and config folders. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/**
 * Installs the built kernel (kernel/dist) into a new temporary prefix.
 * @throws Error telling to run the build when kernel/dist is missing.
 */
export function createJupyterSandbox(prefix = "dnaquant-jupyter-"): JupyterSandbox {
  const main = path.join(REPO_ROOT, "kernel", "dist", "jupyter", "main.js");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing; build first with scripts/setup.sh (or npm test, which runs it).`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  execFileSync(process.execPath, [main, "install", "--prefix", root], { stdio: "pipe" });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: path.join(root, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(root, "data"),
    JUPYTER_RUNTIME_DIR: path.join(root, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(root, "config"),
    IPYTHONDIR: path.join(root, "ipython"),
    JUPYTER_PLATFORM_DIRS: "1",
    DNAQUANT_LOG_LEVEL: "warn",
    // onnxruntime in the kernel caches a device id under XDG_CACHE_HOME (default ~/.cache).
    XDG_CACHE_HOME: path.join(root, "cache"),
  };
  return { root, env, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
