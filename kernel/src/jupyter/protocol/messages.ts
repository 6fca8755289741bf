/**
 * Jupyter messages that this kernel receives and sends, typed after the Jupyter messaging
 * specification version 5.3. Field names keep the specification's snake_case spelling so that
 * they read the same as the specification and as other kernels.
 */

/** Messaging protocol version that this kernel implements and writes into every header. */
export const PROTOCOL_VERSION = "5.3";

/** Header of every message. */
export interface MessageHeader {
  /** Unique id of the message, a UUID for messages this kernel creates. */
  msg_id: string;
  /** Message type, such as `execute_request` or `stream`. */
  msg_type: string;
  /** Id of the session that created the message, constant for one client or one kernel. */
  session: string;
  /** Name of the user, informational only. */
  username: string;
  /** Creation time as an ISO 8601 string. */
  date: string;
  /** Messaging protocol version of the sender, such as `"5.3"`. */
  version: string;
}

/** Header of the request that caused a message, or `{}` for messages without a parent. */
export type ParentHeader = MessageHeader | Record<string, never>;

/** A decoded message with its ZeroMQ routing prefix. */
export interface JupyterMessage<Content = Record<string, unknown>> {
  /**
   * ZeroMQ routing prefix: the frames before the `<IDS|MSG>` delimiter. On shell, control and
   * stdin they are socket identities that a reply must copy. On iopub the first one is a topic.
   */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: ParentHeader;
  metadata: Record<string, unknown>;
  content: Content;
  /** Raw binary frames after the content. They are not covered by the signature. */
  buffers: Buffer[];
}

/** Jupyter sockets that carry messages. The heartbeat socket only echoes bytes. */
export type ChannelName = "shell" | "control" | "stdin" | "iopub";

/** Channels on which a client sends requests that get a reply. */
export type RequestChannel = "shell" | "control";

/** MIME-keyed output data and metadata, shared by display_data, execute_result and inspect_reply. */
export interface MimeBundleContent {
  /** Output data keyed by MIME type: JSON values for JSON MIME types, strings for the others. */
  data: Record<string, unknown>;
  /** Metadata keyed by MIME type. */
  metadata: Record<string, unknown>;
}

/** Exception description used by `error` messages and by replies with status `error`. */
export interface ErrorContent {
  /** Exception name, such as `TypeError` or `CompileError`. */
  ename: string;
  /** Exception message. */
  evalue: string;
  /** Lines that front ends print for the failure, first line first. */
  traceback: string[];
}

/** Reply content for any request that failed in the kernel. */
export interface ErrorReply extends ErrorContent {
  status: "error";
}

// Shell and control requests and replies ---------------------------------------------------

/** `kernel_info_reply`: what the kernel runs and how front ends should treat its language. */
export interface KernelInfoReply {
  status: "ok";
  /** Messaging protocol version, such as `"5.3"`. */
  protocol_version: string;
  /** Kernel implementation name. */
  implementation: string;
  /** Kernel implementation version. */
  implementation_version: string;
  language_info: LanguageInfo;
  /** Text that consoles print when they connect. */
  banner: string;
  /** Whether the kernel supports the debug protocol on the control channel. */
  debugger: boolean;
  help_links: Array<{ text: string; url: string }>;
}

/** Language description inside `kernel_info_reply`. */
export interface LanguageInfo {
  /** Language name, such as `typescript`. */
  name: string;
  /** Language version. */
  version: string;
  /** MIME type of a script file in this language. */
  mimetype: string;
  /** File extension of a script file, including the dot. */
  file_extension: string;
  /** Pygments lexer name that nbconvert uses for highlighting. */
  pygments_lexer?: string;
  /** CodeMirror mode name that front ends use for highlighting. */
  codemirror_mode?: string;
  /** nbconvert exporter for `jupyter nbconvert --to script`. */
  nbconvert_exporter?: string;
}

/** `execute_request`: code to run in the kernel. */
export interface ExecuteRequest {
  /** Source code of the cell. */
  code: string;
  /** When true, the kernel sends no execute_input or execute_result and keeps no history. */
  silent: boolean;
  /** When true, the execution counter advances. Ignored (treated as false) when `silent` is true. */
  store_history: boolean;
  /** Expressions to evaluate after the code, keyed by name. */
  user_expressions: Record<string, string>;
  /** Whether the kernel may send `input_request` on the stdin channel. */
  allow_stdin: boolean;
  /** When true, an error aborts the execute requests that are already queued. */
  stop_on_error: boolean;
}

/** `execute_reply` with status `ok`. */
export interface ExecuteReplyOk {
  status: "ok";
  /** Execution counter after this request. */
  execution_count: number;
  /** Deprecated pager payloads, always empty here. */
  payload: Array<Record<string, unknown>>;
  /** Results of `user_expressions`, keyed by name. */
  user_expressions: Record<string, unknown>;
}

/** `execute_reply` with status `error`. */
export interface ExecuteReplyError extends ErrorReply {
  execution_count: number;
}

/** `execute_reply` for a request that was never run because an earlier one failed. */
export interface ExecuteReplyAborted {
  status: "aborted";
}

export type ExecuteReply = ExecuteReplyOk | ExecuteReplyError | ExecuteReplyAborted;

/** `is_complete_request`: whether `code` is ready to run, used by consoles on Enter. */
export interface IsCompleteRequest {
  code: string;
}

/** `is_complete_reply`. */
export interface IsCompleteReply {
  /** `incomplete` means that more input is expected, and `invalid` that running it will fail. */
  status: "complete" | "incomplete" | "invalid" | "unknown";
  /** Indentation for the next line, only with status `incomplete`. */
  indent?: string;
}

/** `complete_request`: completion candidates at a cursor. */
export interface CompleteRequest {
  code: string;
  /** Cursor position in Unicode code points from the start of `code`. */
  cursor_pos: number;
}

/** `complete_reply`. */
export interface CompleteReply {
  status: "ok";
  /** Candidate texts that replace `code` between `cursor_start` and `cursor_end`. */
  matches: string[];
  /** Start of the replaced range, in Unicode code points. */
  cursor_start: number;
  /** End of the replaced range, in Unicode code points. */
  cursor_end: number;
  metadata: Record<string, unknown>;
}

/** `inspect_request`: documentation of the symbol at a cursor. */
export interface InspectRequest {
  code: string;
  /** Cursor position in Unicode code points from the start of `code`. */
  cursor_pos: number;
  /** 0 for the summary, 1 for more detail. */
  detail_level: 0 | 1;
}

/** `inspect_reply`. */
export interface InspectReply extends MimeBundleContent {
  status: "ok";
  /** Whether anything was found at the cursor. */
  found: boolean;
}

/** `history_reply`. This kernel keeps no history, so `history` is always empty. */
export interface HistoryReply {
  status: "ok";
  /** Entries `[session, line_number, input]` or `[session, line_number, [input, output]]`. */
  history: Array<[number, number, string | [string, string]]>;
}

/** `comm_info_request`: open comms, optionally of one target. */
export interface CommInfoRequest {
  target_name?: string;
}

/** `comm_info_reply`. */
export interface CommInfoReply {
  status: "ok";
  /** Open comms keyed by comm id. This kernel opens none. */
  comms: Record<string, { target_name: string }>;
}

/** `shutdown_request`. */
export interface ShutdownRequest {
  /** Whether the client restarts the kernel after it exits. */
  restart: boolean;
}

/** `shutdown_reply`. */
export interface ShutdownReply {
  status: "ok";
  restart: boolean;
}

/** `interrupt_reply`. */
export interface InterruptReply {
  status: "ok";
}

// IOPub messages --------------------------------------------------------------------------

/** `status`: the kernel's state, sent around the handling of every request. */
export interface StatusContent {
  execution_state: "busy" | "idle" | "starting";
}

/** `execute_input`: rebroadcast of the code being run. */
export interface ExecuteInputContent {
  code: string;
  /** Execution counter of this run. */
  execution_count: number;
}

/** `execute_result`: the value of the last expression of a cell. */
export interface ExecuteResultContent extends MimeBundleContent {
  execution_count: number;
}

/** `display_data` and `update_display_data`. */
export interface DisplayDataContent extends MimeBundleContent {
  /** Data that front ends use but do not store in the notebook. */
  transient: {
    /** Id shared by outputs that an `update_display_data` replaces. */
    display_id?: string;
  };
}

/** `stream`: text written to stdout or stderr. */
export interface StreamContent {
  name: "stdout" | "stderr";
  text: string;
}
