import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

/** Returns `<prefix>/share/jupyter/kernels` as an absolute path. */
export function prefixKernelsDirectory(prefix: string): string {
  return resolve(prefix, "share", "jupyter", "kernels");
}

/**
 * Returns the kernels folder inside the user's Jupyter data folder, the same folder that
 * jupyter_core's `jupyter_data_dir()` returns: `$JUPYTER_DATA_DIR` when set, otherwise
 * `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on macOS
 * and `%APPDATA%\jupyter` on Windows.
 */
export function userKernelsDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  return join(userDataDirectory(env, platform, home), "kernels");
}

function userDataDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (env.JUPYTER_DATA_DIR) {
    return resolve(env.JUPYTER_DATA_DIR);
  }
  if (platform === "darwin") {
    return join(home, "Library", "Jupyter");
  }
  if (platform === "win32") {
    return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "jupyter");
  }
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "jupyter");
}

/** Description of a Python environment, as its interpreter reports it. */
export interface PythonEnvironment {
  /** Its `sys.prefix`. */
  prefix: string;
  /** Whether it can import jupyter_client, that is, whether it can run Jupyter at all. */
  hasJupyterClient: boolean;
}

/** Prints one JSON line with sys.prefix and whether jupyter_client is importable. */
const PYTHON_QUERY = [
  "import importlib.util, json, sys",
  'print(json.dumps({"prefix": sys.prefix, "jupyter_client": importlib.util.find_spec("jupyter_client") is not None}))',
].join("\n");

/**
 * Asks `python` for its sys.prefix. Throws an Error naming the interpreter when it cannot be
 * started, fails or prints something unexpected.
 */
export function queryPythonEnvironment(python: string): PythonEnvironment {
  const result = spawnSync(python, ["-c", PYTHON_QUERY], { encoding: "utf8", timeout: 30_000 });
  if (result.error !== undefined) {
    const reason = (result.error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : result.error.message;
    throw new Error(
      `Cannot run the Python interpreter ${JSON.stringify(python)} (${reason}). ` +
        "Pass --python with the interpreter that runs Jupyter, such as --python /usr/bin/python3.",
    );
  }
  if (result.status !== 0) {
    throw new Error(`${python} failed with exit code ${result.status} while reporting sys.prefix:\n${result.stderr.trim()}`);
  }

  const lastLine = result.stdout.trim().split("\n").pop() ?? "";
  try {
    const parsed = JSON.parse(lastLine) as { prefix: unknown; jupyter_client: unknown };
    if (typeof parsed.prefix !== "string" || parsed.prefix === "") {
      throw new Error("sys.prefix is missing");
    }
    return { prefix: parsed.prefix, hasJupyterClient: parsed.jupyter_client === true };
  } catch (error) {
    throw new Error(
      `${python} printed ${JSON.stringify(lastLine)} instead of its sys.prefix (${(error as Error).message}).`,
    );
  }
}
