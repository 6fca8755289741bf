#!/usr/bin/env node
/**
 * Command-line entry of the `dnaquant-kernel` binary:
 *
 *   dnaquant-kernel kernel <connection_file>   start a kernel (Jupyter runs this)
 *   dnaquant-kernel install ...                write a kernel spec
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { findPackageRoot } from "./executor/package-root";
import { installKernelSpec } from "./install/install";
import { INSTALL_USAGE, UsageError, parseInstallArguments } from "./install/options";
import { startKernel } from "./kernel";
import { createLogger, parseLogLevel, type LogLevel } from "./logger";

const PACKAGE_NAME = "dnaquant";

/** Environment variable with the kernel's log level. */
const LOG_LEVEL_VARIABLE = "DNAQUANT_LOG_LEVEL";
const DEFAULT_LOG_LEVEL: LogLevel = "info";

const USAGE = `Usage: dnaquant-kernel <command> [arguments]

Commands:
  kernel <connection_file>   Start the Jupyter kernel; Jupyter runs this from the kernel spec.
  install [options]          Write the kernel spec; see "dnaquant-kernel install --help".
  help                       Show this help.

Environment:
  ${LOG_LEVEL_VARIABLE}   Kernel log level on stderr: silent, error, warn, info or debug
                       (default: ${DEFAULT_LOG_LEVEL}).`;

/** Runs the command in `args`; resolves to an exit code, or undefined while a kernel runs. */
export async function main(args: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  switch (command) {
    case "kernel":
      return runKernel(rest);
    case "install":
      return runInstall(rest);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      process.stderr.write(`${USAGE}\n`);
      return 2;
    default:
      process.stderr.write(`Unknown command ${JSON.stringify(command)}. Run "dnaquant-kernel help" for the commands.\n`);
      return 2;
  }
}

async function runKernel(args: readonly string[]): Promise<number | undefined> {
  if (args.length !== 1 || args[0].startsWith("-")) {
    process.stderr.write(
      `Expected exactly one argument, the connection file, but got ${JSON.stringify(args)}.\n` +
        'Usage: dnaquant-kernel kernel <connection_file>. Install a kernel spec with "dnaquant-kernel install" and let Jupyter start the kernel.\n',
    );
    return 2;
  }

  let level: LogLevel;
  try {
    const configured = process.env[LOG_LEVEL_VARIABLE];
    level = configured === undefined || configured === "" ? DEFAULT_LOG_LEVEL : parseLogLevel(configured, LOG_LEVEL_VARIABLE);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  // Bound now, because the kernel later replaces process.stderr.write to capture cell output.
  const writeToStderr = process.stderr.write.bind(process.stderr);
  const logger = createLogger({ level, write: (line) => void writeToStderr(line) });

  try {
    const packageRoot = findPackageRoot(__dirname, PACKAGE_NAME);
    await startKernel({
      connectionFile: args[0],
      logger,
      packageName: PACKAGE_NAME,
      packageRoot,
      packageVersion: readPackageVersion(packageRoot),
    });
  } catch (error) {
    logger.error("The kernel failed to start.", error);
    return 1;
  }
  return undefined;
}

function runInstall(args: readonly string[]): number {
  try {
    const options = parseInstallArguments(args);
    if (options === undefined) {
      process.stdout.write(`${INSTALL_USAGE}\n`);
      return 0;
    }
    const folder = installKernelSpec(options, {
      nodePath: process.execPath,
      mainScript: join(__dirname, "main.js"),
      env: process.env,
      platform: process.platform,
      home: homedir(),
      warn: (message) => process.stderr.write(`Warning: ${message}\n`),
    });
    process.stdout.write(`Installed kernel spec "${options.name}" in ${folder}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function readPackageVersion(packageRoot: string): string {
  const json = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version?: unknown };
  return typeof json.version === "string" ? json.version : "unknown";
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (exitCode) => {
      if (exitCode !== undefined) {
        process.exitCode = exitCode;
      }
    },
    (error: unknown) => {
      process.stderr.write(`dnaquant-kernel failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
