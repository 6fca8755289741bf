import type { CellRunner } from "../executor/cell-runner";
import type { OutputSink } from "../executor/output-router";
import type { JupyterMessage, KernelInfoReply, RequestChannel } from "../protocol/messages";

/** Request passed to a handler, with the means to publish its output. */
export interface RequestContext {
  readonly request: JupyterMessage;
  /** Channel that the request came on. */
  readonly channel: RequestChannel;
  /** Sends an iopub message whose parent_header is this request's header. */
  publish(msgType: string, content: object): void;
}

/** Output routing as handlers use it. */
export interface OutputTarget {
  /** Sends cell output to `sink` from now on, after sending what is buffered. */
  setSink(sink: OutputSink): void;
  /** Sends buffered stream text now. */
  flush(): void;
}

/** Kernel state and actions that handlers share. */
export interface KernelServices {
  readonly runner: CellRunner;
  readonly outputs: OutputTarget;
  readonly kernelInfo: KernelInfoReply;
  /** Number of executions so far that stored history. The next one gets this plus one. */
  executionCount: number;
  /**
   * Makes the execute requests that are queued now get status `aborted` instead of running.
   * Requests that arrive after the returned promise resolves run normally.
   */
  abortQueuedExecuteRequests(): Promise<void>;
  /** Stops the kernel process once the current reply and idle status have been sent. */
  scheduleShutdown(restart: boolean): void;
}

/** Function that handles one request type and returns the reply content. A thrown error becomes an error reply. */
export type RequestHandler = (context: RequestContext, services: KernelServices) => object | Promise<object>;

/** Entry of a dispatch table. */
export interface HandlerEntry {
  /** msg_type of the reply, such as `execute_reply`. */
  replyType: string;
  handle: RequestHandler;
}
