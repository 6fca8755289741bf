import type { CellRunner } from "../executor/cell-runner";
import type { Logger } from "../logger";
import type { MessageFactory } from "../protocol/message-factory";
import type {
  ChannelName,
  ErrorReply,
  ExecuteReplyAborted,
  JupyterMessage,
  KernelInfoReply,
  RequestChannel,
  StatusContent,
} from "../protocol/messages";
import { handleCommInfoRequest } from "./comm-info";
import { handleCompleteRequest } from "./completion";
import type { HandlerEntry, KernelServices, OutputTarget, RequestContext } from "./context";
import { handleExecuteRequest } from "./execute";
import { handleHistoryRequest } from "./history";
import { handleInspectRequest } from "./inspection";
import { handleIsCompleteRequest } from "./is-complete";
import { handleKernelInfoRequest } from "./kernel-info";
import { handleInterruptRequest, handleShutdownRequest } from "./lifecycle";

const KERNEL_INFO: HandlerEntry = { replyType: "kernel_info_reply", handle: handleKernelInfoRequest };
const SHUTDOWN: HandlerEntry = { replyType: "shutdown_reply", handle: handleShutdownRequest };

/** Handlers of the shell channel by request msg_type. */
export const SHELL_HANDLERS: Readonly<Record<string, HandlerEntry>> = Object.freeze({
  kernel_info_request: KERNEL_INFO,
  execute_request: { replyType: "execute_reply", handle: handleExecuteRequest },
  is_complete_request: { replyType: "is_complete_reply", handle: handleIsCompleteRequest },
  inspect_request: { replyType: "inspect_reply", handle: handleInspectRequest },
  complete_request: { replyType: "complete_reply", handle: handleCompleteRequest },
  history_request: { replyType: "history_reply", handle: handleHistoryRequest },
  comm_info_request: { replyType: "comm_info_reply", handle: handleCommInfoRequest },
  shutdown_request: SHUTDOWN,
});

/** Handlers of the control channel by request msg_type. */
export const CONTROL_HANDLERS: Readonly<Record<string, HandlerEntry>> = Object.freeze({
  kernel_info_request: KERNEL_INFO,
  shutdown_request: SHUTDOWN,
  interrupt_request: { replyType: "interrupt_reply", handle: handleInterruptRequest },
});

/** The transport functions that the dispatcher needs. */
export interface DispatcherTransport {
  send(channel: ChannelName, message: JupyterMessage<unknown>): void;
  /** Resolves once requests already waiting in the sockets have been handed to the dispatcher. */
  receivePending(): Promise<void>;
}

export interface DispatcherOptions {
  transport: DispatcherTransport;
  factory: MessageFactory;
  runner: CellRunner;
  outputs: OutputTarget;
  kernelInfo: KernelInfoReply;
  logger: Logger;
  /** Called once, after the shutdown_reply and the idle status have been sent. */
  onShutdown(restart: boolean): void;
  /** Dispatch tables per channel, by default {@link SHELL_HANDLERS} and {@link CONTROL_HANDLERS}. */
  handlers?: Readonly<Record<RequestChannel, Readonly<Record<string, HandlerEntry>>>>;
}

/** Queue entry: a request, or the point where aborting queued execute requests ends. */
type QueueItem = { kind: "request"; message: JupyterMessage } | { kind: "end-abort" };

/**
 * Routes requests to handlers through the dispatch tables. Each channel has its own queue
 * whose requests are handled one at a time, so a long cell on shell never delays an
 * interrupt or shutdown on control. Every request, unknown types included, is wrapped in
 * iopub `status` busy and idle messages.
 */
export class Dispatcher {
  private readonly queues: Record<RequestChannel, RequestQueue>;
  private readonly handlers: Readonly<Record<RequestChannel, Readonly<Record<string, HandlerEntry>>>>;
  private readonly services: KernelServices;
  private abortingExecuteRequests = false;
  private shutdown: { restart: boolean } | undefined;
  private shutdownStarted = false;
  private readonly ignoredTypes = new Set<string>();

  constructor(private readonly options: DispatcherOptions) {
    this.handlers = options.handlers ?? { shell: SHELL_HANDLERS, control: CONTROL_HANDLERS };
    this.queues = {
      shell: new RequestQueue((item) => this.process("shell", item)),
      control: new RequestQueue((item) => this.process("control", item)),
    };
    this.services = {
      runner: options.runner,
      outputs: options.outputs,
      kernelInfo: options.kernelInfo,
      executionCount: 0,
      abortQueuedExecuteRequests: () => this.abortQueuedExecuteRequests(),
      scheduleShutdown: (restart) => {
        this.shutdown = { restart };
      },
    };
  }

  /** Queues a request that arrived on `channel`. */
  enqueue(channel: RequestChannel, message: JupyterMessage): void {
    this.queues[channel].push({ kind: "request", message });
  }

  /** Resolves when both queues are empty and idle. Tests use it. */
  whenIdle(): Promise<void> {
    return Promise.all([this.queues.shell.whenIdle(), this.queues.control.whenIdle()]).then(() => undefined);
  }

  private async abortQueuedExecuteRequests(): Promise<void> {
    this.abortingExecuteRequests = true;
    await this.options.transport.receivePending();
    this.queues.shell.push({ kind: "end-abort" });
  }

  private async process(channel: RequestChannel, item: QueueItem): Promise<void> {
    if (item.kind === "end-abort") {
      this.abortingExecuteRequests = false;
      return;
    }
    if (this.shutdown !== undefined) {
      this.options.logger.debug(() => `Ignored ${item.message.header.msg_type}: the kernel is shutting down.`);
      return;
    }

    const message = item.message;
    this.publishStatus("busy", message);
    try {
      await this.handle(channel, message);
    } catch (error) {
      this.options.logger.error(`Failed to handle ${message.header.msg_type} ${message.header.msg_id} on ${channel}.`, error);
    } finally {
      this.publishStatus("idle", message);
    }

    this.startShutdownIfRequested();
  }

  private startShutdownIfRequested(): void {
    if (this.shutdown !== undefined && !this.shutdownStarted) {
      this.shutdownStarted = true;
      this.options.onShutdown(this.shutdown.restart);
    }
  }

  private async handle(channel: RequestChannel, message: JupyterMessage): Promise<void> {
    const { factory, logger, transport } = this.options;
    const msgType = message.header.msg_type;
    const entry = this.handlers[channel][msgType];
    if (entry === undefined) {
      // Front ends repeat some of these (comm messages of widget managers), so each type
      // gets one warning and later ones go to the debug level.
      const firstTime = !this.ignoredTypes.has(msgType);
      this.ignoredTypes.add(msgType);
      (firstTime ? logger.warn : logger.debug)(`Ignored ${msgType} on ${channel}: this kernel does not handle it.`);
      return;
    }

    if (this.abortingExecuteRequests && msgType === "execute_request") {
      const aborted: ExecuteReplyAborted = { status: "aborted" };
      transport.send(channel, factory.reply(message, entry.replyType, aborted));
      return;
    }

    const context: RequestContext = {
      request: message,
      channel,
      publish: (publishedType, content) => transport.send("iopub", factory.broadcast(publishedType, content, message)),
    };
    let reply: object;
    try {
      reply = await entry.handle(context, this.services);
    } catch (error) {
      logger.error(`Failed to handle ${msgType} ${message.header.msg_id} on ${channel}.`, error);
      reply = errorReply(error);
    }
    transport.send(channel, factory.reply(message, entry.replyType, reply));
  }

  private publishStatus(state: StatusContent["execution_state"], parent: JupyterMessage): void {
    const content: StatusContent = { execution_state: state };
    this.options.transport.send("iopub", this.options.factory.broadcast("status", content, parent));
  }
}

function errorReply(error: unknown): ErrorReply {
  const ename = error instanceof Error ? error.name : "Error";
  const evalue = error instanceof Error ? error.message : String(error);
  return { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/** Runs items through `process` one at a time, in arrival order. `process` must not reject. */
class RequestQueue {
  private readonly items: QueueItem[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly process: (item: QueueItem) => Promise<void>) {}

  push(item: QueueItem): void {
    this.items.push(item);
    this.running ??= this.drain();
  }

  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    // Let the caller finish first, so that a burst of pushes lands in the queue together.
    await Promise.resolve();
    for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) {
      await this.process(item);
    }
    this.running = undefined;
  }
}
