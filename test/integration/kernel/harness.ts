/**
 * Shared setup of the kernel integration tests: build the kernel package, install its kernel
 * spec into a temporary prefix, and run Debian's Jupyter tools against it with an environment
 * that keeps all Jupyter files in that temporary folder.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");
export const KERNEL_PACKAGE_ROOT = join(REPOSITORY_ROOT, "kernel");
export const KERNEL_MAIN = join(KERNEL_PACKAGE_ROOT, "dist", "jupyter", "main.js");

/** Debian's Python, which has jupyter_client, nbclient and jupyter_kernel_test. */
export const PYTHON = "/usr/bin/python3";
/** Debian's jupyter command. */
export const JUPYTER = "/usr/bin/jupyter";

/** Why the integration tests cannot run here, or false when they can. */
export const SKIP_REASON: string | false = (() => {
  const probe = spawnSync(PYTHON, ["-c", "import jupyter_client, nbclient, jupyter_kernel_test"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    return `${PYTHON} with jupyter_client, nbclient and jupyter_kernel_test is required: ${probe.stderr || probe.error}`;
  }
  return false;
})();

/** Folder of a lock that serializes builds of test files that run in parallel. */
const BUILD_LOCK = join(tmpdir(), "dnaquant-kernel-test-build.lock");
/** A lock older than this many milliseconds belongs to a crashed run and is removed. */
const STALE_LOCK_MILLISECONDS = 5 * 60_000;

/**
 * Compiles the kernel package with the workspace's TypeScript (kernel/tsconfig.json into
 * kernel/dist). Throws with the compiler output when the build fails.
 */
export function buildKernel(): void {
  withLock(BUILD_LOCK, () => {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPOSITORY_ROOT] });
    const result = spawnSync(process.execPath, [tsc, "-p", KERNEL_PACKAGE_ROOT], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`Building the kernel package failed:\n${result.stdout}${result.stderr}`);
    }
  });
}

/** A kernel spec installed into a temporary prefix, with the environment that finds it. */
export interface InstalledKernel {
  kernelName: string;
  /** Temporary folder that contains the prefix and Jupyter's data, runtime and config folders. */
  root: string;
  /** Environment for Jupyter tools: JUPYTER_PATH finds the spec, the rest stays in `root`. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** Builds the kernel and installs its spec with `dnaquant-kernel install --prefix`. */
export function installKernel(kernelName = "dnaquant-test"): InstalledKernel {
  buildKernel();
  const root = mkdtempSync(join(tmpdir(), "dnaquant-kernel-it-"));
  const prefix = join(root, "prefix");
  const install = spawnSync(process.execPath, [KERNEL_MAIN, "install", "--prefix", prefix, "--name", kernelName], {
    encoding: "utf8",
  });
  if (install.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`dnaquant-kernel install failed with ${install.status}:\n${install.stdout}${install.stderr}`);
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(prefix, "share", "jupyter"),
    JUPYTER_DATA_DIR: join(root, "data"),
    JUPYTER_RUNTIME_DIR: join(root, "runtime"),
    JUPYTER_CONFIG_DIR: join(root, "config"),
    IPYTHONDIR: join(root, "ipython"),
    DNAQUANT_TEST_KERNEL: kernelName,
    // Kernel start-up lines on stderr would only add noise to test output.
    DNAQUANT_LOG_LEVEL: "warn",
  };
  return { kernelName, root, env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs Debian's Python with `args` in the installed kernel's environment. */
export function runPython(
  kernel: InstalledKernel,
  args: string[],
  options: { cwd?: string; timeoutSeconds?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, {
    cwd: options.cwd ?? __dirname,
    env: kernel.env,
    encoding: "utf8",
    timeout: (options.timeoutSeconds ?? 180) * 1000,
  });
}

/**
 * Runs one scenario of driver.py against a fresh kernel and returns its JSON output.
 * `kernelCwd` is the kernel's working directory (default: the driver's folder).
 */
export function runScenario<T = Record<string, unknown>>(kernel: InstalledKernel, scenario: string, kernelCwd?: string): T {
  const args = [join(__dirname, "driver.py"), scenario];
  if (kernelCwd !== undefined) {
    args.push(kernelCwd);
  }
  const result = runPython(kernel, args);
  if (result.status !== 0) {
    throw new Error(
      `driver.py ${scenario} failed with ${result.status ?? result.signal}:\n${result.stderr}\n${result.stdout}`,
    );
  }
  return JSON.parse(result.stdout) as T;
}

/** Creates an empty temporary folder outside the repository. */
export function makeScratchFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function withLock(lock: string, action: () => void): void {
  const waitBuffer = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw error;
      }
      if (isStale(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(waitBuffer, 0, 0, 100);
    }
  }
  try {
    action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MILLISECONDS;
  } catch {
    // The lock was released between the failed mkdir and this check.
    return false;
  }
}
