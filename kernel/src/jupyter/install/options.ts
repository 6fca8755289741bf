import { parseArgs } from "node:util";

/** Destination of the kernel spec. */
export type InstallDestination =
  /** `<prefix>/share/jupyter/kernels/<name>`. */
  | { kind: "prefix"; prefix: string }
  /** The `sys.prefix` of a Python interpreter, such as a virtual environment with Jupyter. */
  | { kind: "sys-prefix"; python: string }
  /** The user's Jupyter data folder, such as `~/.local/share/jupyter/kernels/<name>` on Linux. */
  | { kind: "user" };

export interface InstallOptions {
  destination: InstallDestination;
  /** Kernel name: the folder name, and what `--kernel_name` and notebooks refer to. */
  name: string;
  /** Name shown in the launcher and the kernel picker. */
  displayName: string;
}

export const DEFAULT_KERNEL_NAME = "dnaquant";
export const DEFAULT_DISPLAY_NAME = "TypeScript (dnaquant)";
/** Python interpreter that `--sys-prefix` queries when `--python` is absent. */
export const DEFAULT_PYTHON = "python3";

/**
 * Kernel names that Jupyter accepts. Jupyter matches names case-insensitively and lists them
 * in lowercase, so uppercase letters are rejected to keep the folder name and the listed
 * name the same.
 */
const KERNEL_NAME_PATTERN = /^[a-z0-9._-]+$/;

export const INSTALL_USAGE = `Usage: dnaquant-kernel install (--prefix DIR | --sys-prefix [--python PY] | --user) [options]

Writes a Jupyter kernel spec that starts this kernel with the current Node.js.

Destination (exactly one):
  --prefix DIR        Install into DIR/share/jupyter/kernels/NAME; Jupyter finds it when
                      DIR/share/jupyter is on JUPYTER_PATH or DIR is its sys.prefix.
  --sys-prefix        Install into the sys.prefix of the Python that runs Jupyter, such as
                      a virtual environment.
  --python PY         Python interpreter that --sys-prefix asks (default: ${DEFAULT_PYTHON}).
  --user              Install into your user Jupyter data folder (the only option that
                      writes into your home folder).

Options:
  --name NAME         Kernel name: lowercase letters, digits, ".", "_" and "-"
                      (default: ${DEFAULT_KERNEL_NAME}).
  --display-name TEXT Name in the kernel picker (default: "${DEFAULT_DISPLAY_NAME}").
  -h, --help          Show this help.`;

/** Error for invalid command-line arguments. Its message states what to change. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses the arguments after `install`, or returns undefined when help was requested. */
export function parseInstallArguments(args: readonly string[]): InstallOptions | undefined {
  const { values, positionals } = parseStrict(args);
  if (values.help === true) {
    return undefined;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument ${JSON.stringify(positionals[0])} for install. Pass the folder with --prefix DIR.`,
    );
  }

  const chosen = (["prefix", "sys-prefix", "user"] as const).filter((option) => values[option] !== undefined);
  if (chosen.length === 0) {
    throw new UsageError(
      "Choose where to install the kernel spec: --prefix DIR, --sys-prefix (with --python PY) or --user.",
    );
  }
  if (chosen.length > 1) {
    throw new UsageError(
      `--prefix, --sys-prefix and --user exclude each other, but got ${chosen.map((option) => `--${option}`).join(" and ")}.`,
    );
  }
  if (values.python !== undefined && chosen[0] !== "sys-prefix") {
    throw new UsageError("--python only applies with --sys-prefix. Remove --python or add --sys-prefix.");
  }

  return {
    destination: parseDestination(chosen[0], values.prefix, values.python),
    name: parseKernelName(values.name ?? DEFAULT_KERNEL_NAME),
    displayName: parseDisplayName(values["display-name"] ?? DEFAULT_DISPLAY_NAME),
  };
}

function parseStrict(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        prefix: { type: "string" },
        "sys-prefix": { type: "boolean" },
        python: { type: "string" },
        user: { type: "boolean" },
        name: { type: "string" },
        "display-name": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // parseArgs names the offending option in its message (ERR_PARSE_ARGS_* codes).
    throw new UsageError(`${(error as Error).message} Run "dnaquant-kernel install --help" for the options.`);
  }
}

function parseDestination(
  option: "prefix" | "sys-prefix" | "user",
  prefix: string | undefined,
  python: string | undefined,
): InstallDestination {
  if (option === "user") {
    return { kind: "user" };
  }
  if (option === "sys-prefix") {
    if (python !== undefined && python.trim() === "") {
      throw new UsageError('--python needs the path or name of a Python interpreter, such as "/usr/bin/python3".');
    }
    return { kind: "sys-prefix", python: python ?? DEFAULT_PYTHON };
  }
  if (prefix === undefined || prefix.trim() === "") {
    throw new UsageError("--prefix needs a folder, such as --prefix /usr/local or --prefix ./.jupyter-env.");
  }
  return { kind: "prefix", prefix };
}

/** Validates a kernel name; throws a UsageError that shows the name and the allowed characters. */
export function parseKernelName(name: string): string {
  if (!KERNEL_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `Invalid kernel name ${JSON.stringify(name)}: use lowercase letters, digits, ".", "_" and "-" only.`,
    );
  }
  return name;
}

function parseDisplayName(displayName: string): string {
  if (displayName.trim() === "") {
    throw new UsageError("--display-name must not be empty.");
  }
  return displayName;
}
