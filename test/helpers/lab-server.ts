/**
 * The local JupyterLab host of lab/ for browser tests: checks that its front end and the
 * dnaquant extension are built, starts lab/server/serve.py, calls its REST API, finds the
 * processes it started and stops it with SIGTERM.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { DEBIAN_PYTHON } from "./jupyter";
import { REPO_ROOT } from "./paths";

/** Script that starts the JupyterLab host. */
export const SERVE_SCRIPT = join(REPO_ROOT, "lab", "server", "serve.py");

/** Front end bundle that `npm run build -w lab` writes. */
export const LAB_BUILD_DIR = join(REPO_ROOT, "lab", "build");

/** Prebuilt dnaquant-jupyterlab extension that `npm run build -w extension` writes. */
export const DNAQUANT_LABEXTENSION_DIR = join(REPO_ROOT, "extension", "labextension");

/** Bound for serve.py to print its address line. It prints it in under 1 s on the 2-core development machine. */
export const SERVER_START_TIMEOUT_MS = 60_000;

/** Bound for serve.py to exit after SIGTERM. It exits about 1 s after the signal with one kernel running on the development machine. */
export const SERVER_STOP_TIMEOUT_MS = 20_000;

/** Line on serve.py's standard output that gives the address with the access token. */
const URL_LINE = /^JupyterLab is running at (\S+)$/m;

/** How a process ended: exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running serve.py process and what it printed. */
export interface LabServer {
  process: ChildProcess;
  /** Address from the URL line, with the `token` query parameter. */
  url: URL;
  token: string;
  /** Everything the process has printed. The server log goes to stderr. */
  output: { stdout: string; stderr: string };
  exited: Promise<ProcessExit>;
}

/**
 * Asserts that lab/build contains the front end bundle.
 * @throws AssertionError naming the build command when lab/build/main.js is missing.
 */
export function assertLabBuilt(): void {
  const main = join(LAB_BUILD_DIR, "main.js");
  assert.ok(existsSync(main), `${main} is missing: build the JupyterLab front end with npm run build -w lab.`);
}

/** Returns whether extension/labextension contains a complete prebuilt dnaquant-jupyterlab. */
export function isDnaquantExtensionBuilt(): boolean {
  const packageFile = join(DNAQUANT_LABEXTENSION_DIR, "package.json");
  if (!existsSync(packageFile)) {
    return false;
  }
  const build = JSON.parse(readFileSync(packageFile, "utf8")).jupyterlab?._build;
  return typeof build?.load === "string" && existsSync(join(DNAQUANT_LABEXTENSION_DIR, build.load));
}

/**
 * Asserts that extension/labextension contains a complete prebuilt dnaquant-jupyterlab.
 * @throws AssertionError naming the build command when it does not.
 */
export function assertDnaquantExtensionBuilt(): void {
  assert.ok(
    isDnaquantExtensionBuilt(),
    `${DNAQUANT_LABEXTENSION_DIR} has no complete prebuilt extension (package.json with jupyterlab._build.load and ` +
      "the file it names): build it with npm run build -w extension.",
  );
}

/**
 * Starts serve.py with `args` and resolves once it prints its address line.
 *
 * Rejects if the process exits first or prints no address within {@link SERVER_START_TIMEOUT_MS}
 * (then it is sent SIGTERM). The rejection message contains the server log.
 */
export function startLabServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<LabServer> {
  const child = spawn(DEBIAN_PYTHON, [SERVE_SCRIPT, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output.stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<ProcessExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`serve.py printed no address within ${SERVER_START_TIMEOUT_MS} ms. stderr:\n${output.stderr}`));
    }, SERVER_START_TIMEOUT_MS);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve.py exited (code ${code}, signal ${signal}) before serving. stderr:\n${output.stderr}`));
    });
    child.stdout!.on("data", () => {
      const match = URL_LINE.exec(output.stdout);
      if (match) {
        clearTimeout(timer);
        const url = new URL(match[1]!);
        resolve({ process: child, url, token: url.searchParams.get("token") ?? "", output, exited });
      }
    });
  });
}

/**
 * Sends SIGTERM to the server and waits for it to exit. Returns at once if it has exited.
 * @throws Error after sending SIGKILL when it does not exit within {@link SERVER_STOP_TIMEOUT_MS}.
 */
export async function stopLabServer(server: LabServer): Promise<ProcessExit> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) {
    return server.exited;
  }
  server.process.kill("SIGTERM");

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SERVER_STOP_TIMEOUT_MS)));
  const result = await Promise.race([server.exited, timedOut]);
  clearTimeout(timer);
  if (result === null) {
    server.process.kill("SIGKILL");
    throw new Error(`serve.py did not exit within ${SERVER_STOP_TIMEOUT_MS} ms of SIGTERM and was killed.`);
  }
  return result;
}

/**
 * Sends GET `path` (relative to the server's base URL, such as `api/kernels`) with the token.
 * @returns The parsed JSON body.
 * @throws AssertionError when the status is not 200.
 */
export async function getServerJson(server: LabServer, path: string): Promise<unknown> {
  const response = await fetch(new URL(path, server.url), { headers: { Authorization: `token ${server.token}` } });
  assert.equal(response.status, 200, `GET ${path} returned HTTP ${response.status}`);
  return response.json();
}

/** Returns the ids of processes whose command line contains `fragment`, read from /proc. */
export function findProcessIds(fragment: string): number[] {
  const ids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(fragment)) {
        ids.push(Number(entry));
      }
    } catch {
      // The process ended while the list was read.
    }
  }
  return ids;
}
