import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Contents of kernel.json, with the field names of Jupyter's kernel spec format. */
export interface KernelSpec {
  /** Command that starts the kernel; Jupyter replaces `{connection_file}` with the file's path. */
  argv: string[];
  display_name: string;
  language: string;
  /** Interrupt method: `signal` sends SIGINT to the process, `message` an interrupt_request. */
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

export interface KernelSpecOptions {
  /** Absolute path of the Node.js executable. */
  nodePath: string;
  /** Absolute path of the kernel's compiled entry script, dist/jupyter/main.js. */
  mainScript: string;
  displayName: string;
}

/** Creates the kernel spec that starts `mainScript` with `nodePath`. */
export function createKernelSpec({ nodePath, mainScript, displayName }: KernelSpecOptions): KernelSpec {
  return {
    argv: [nodePath, mainScript, "kernel", "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    // SIGINT also stops synchronous loops (through vm's breakOnSigint), which a message cannot.
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

/**
 * Writes `spec` as `<kernelsDirectory>/<name>/kernel.json` and returns that folder.
 *
 * The files are written into a temporary folder next to the target and renamed into place, so
 * Jupyter never reads a half-written spec. An existing spec of the same name is replaced. It is
 * renamed aside first, restored if the new one cannot take its place, and removed otherwise.
 */
export function writeKernelSpec(kernelsDirectory: string, name: string, spec: KernelSpec): string {
  mkdirSync(kernelsDirectory, { recursive: true });
  const target = join(kernelsDirectory, name);
  // The "~" makes the name an invalid kernel name, so Jupyter skips a folder left by a crash.
  const staging = mkdtempSync(join(kernelsDirectory, `.${name}~new-`));

  try {
    writeFileSync(join(staging, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`, "utf8");

    if (existsSync(target)) {
      const previous = mkdtempSync(join(kernelsDirectory, `.${name}~old-`));
      // renameSync cannot replace a non-empty folder, so the old spec moves into `previous`.
      renameSync(target, join(previous, name));
      try {
        renameSync(staging, target);
      } catch (error) {
        renameSync(join(previous, name), target);
        rmSync(previous, { recursive: true, force: true });
        throw error;
      }
      rmSync(previous, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return target;
}
