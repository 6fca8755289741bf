/**
 * Assembles the kernel: the ZeroMQ transport, the dispatcher with its handlers and the tslab
 * cell runner, plus the process-level hooks (signals and errors that escape a cell).
 */
import { TslabCellRunner } from "./executor/cell-runner";
import { OutputRouter } from "./executor/output-router";
import { loadTslabJupyterModule } from "./executor/tslab";
import { Dispatcher } from "./handlers/dispatch";
import { createKernelInfo } from "./handlers/kernel-info";
import type { Logger } from "./logger";
import { readConnectionFile } from "./protocol/connection-file";
import { MessageFactory } from "./protocol/message-factory";
import { createMessageSigner } from "./protocol/signature";
import { ZmqTransport } from "./protocol/transport";

export interface KernelOptions {
  /** Path of the connection file that Jupyter wrote for this kernel. */
  connectionFile: string;
  logger: Logger;
  /** Package that cells import by name from any working directory, such as `dnaquant`. */
  packageName: string;
  /** Folder of that package. */
  packageRoot: string;
  /** Version of that package, reported in kernel_info_reply. */
  packageVersion: string;
}

export interface RunningKernel {
  /** Closes the sockets and exits the process with `exitCode`. */
  stop(exitCode: number): void;
}

/**
 * Starts a kernel for the connection file and returns once its sockets are bound.
 * Rejects when the connection file is invalid or a port cannot be bound.
 */
export async function startKernel(options: KernelOptions): Promise<RunningKernel> {
  const { connectionFile, logger, packageName, packageRoot, packageVersion } = options;

  // Step 1: read the connection file and prepare signing.
  const connection = readConnectionFile(connectionFile);
  const signer = createMessageSigner(connection.signature_scheme, connection.key);
  const factory = new MessageFactory();

  // Step 2: the cell runner and the routing of cell output.
  const runner = new TslabCellRunner({ packageName, packageRoot });
  const outputs = new OutputRouter(loadTslabJupyterModule());
  const kernelInfo = createKernelInfo({ implementationVersion: packageVersion, typescriptVersion: runner.typescriptVersion });

  // Step 3: the dispatcher, and the shutdown that it triggers.
  let transport: ZmqTransport | undefined;
  let stopping = false;
  const stop = (exitCode: number): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`Kernel stopping (pid ${process.pid}, exit code ${exitCode}).`);
    outputs.uninstall();
    runner.close();
    transport?.close();
    // Closed sockets linger so that the last replies still leave before the process ends.
    process.exit(exitCode);
  };
  const dispatcher = new Dispatcher({
    transport: {
      send: (channel, message) => transport?.send(channel, message),
      receivePending: () => transport?.receivePending() ?? Promise.resolve(),
    },
    factory,
    runner,
    outputs,
    kernelInfo,
    logger,
    onShutdown: (restart) => {
      logger.info(`Shutdown requested (restart: ${restart}).`);
      stop(0);
    },
  });

  // Step 4: capture cell output before the first request can arrive, then open the sockets.
  outputs.install();
  try {
    transport = await ZmqTransport.open(connection, signer, logger, (channel, message) =>
      dispatcher.enqueue(channel, message),
    );
  } catch (error) {
    outputs.uninstall();
    // The compiler's file watchers would otherwise keep the failed process alive.
    runner.close();
    throw error;
  }
  installProcessHooks(runner, logger, stop);
  logger.info(
    `Kernel started (pid ${process.pid}, ${connection.transport}://${connection.ip}, shell port ${connection.shell_port}, cwd ${process.cwd()}).`,
  );

  // The first cell would otherwise pay for creating the compiler.
  runner.warmUp();
  return { stop };
}

function installProcessHooks(runner: TslabCellRunner, logger: Logger, stop: (exitCode: number) => void): void {
  // SIGINT comes from Jupyter's interrupt with interrupt_mode "signal". While synchronous cell
  // code runs, Node's vm stops it instead (breakOnSigint) and this listener does not run.
  process.on("SIGINT", () => runner.interrupt());
  process.on("SIGTERM", () => stop(0));

  // Errors that escape a cell (exceptions thrown in a timer callback, and unhandled rejections) must
  // not end the kernel. They are printed into the cell that ran last, as Node would print them.
  process.on("uncaughtException", (error) => {
    logger.warn("A cell raised an uncaught exception.", error);
    process.stderr.write(`Uncaught ${describe(error)}\n`);
  });
  process.on("unhandledRejection", (reason) => {
    logger.warn("A cell left a promise rejection unhandled.", reason);
    process.stderr.write(`Unhandled promise rejection: ${describe(reason)}\n`);
  });
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : String(value);
}
