import { randomUUID } from "node:crypto";

import { PROTOCOL_VERSION, type JupyterMessage, type MessageHeader } from "./messages";

/** Creates the messages that the kernel sends, all in one kernel session. */
export class MessageFactory {
  /**
   * @param session Kernel session id, written into every header.
   * @param username User name written into every header.
   */
  constructor(
    readonly session: string = randomUUID(),
    readonly username: string = "kernel",
  ) {}

  /** Creates the reply to `request`, which goes back to the same socket identities. */
  reply<Content>(request: JupyterMessage<unknown>, msgType: string, content: Content): JupyterMessage<Content> {
    return {
      identities: request.identities,
      header: this.header(msgType),
      parent_header: request.header,
      metadata: {},
      content,
      buffers: [],
    };
  }

  /**
   * Creates an iopub message caused by `parent`, or by no request when `parent` is undefined.
   * The ZeroMQ topic is `kernel.<session>.<msg_type>`. Jupyter clients subscribe to all topics.
   */
  broadcast<Content>(msgType: string, content: Content, parent?: JupyterMessage<unknown>): JupyterMessage<Content> {
    return {
      identities: [Buffer.from(`kernel.${this.session}.${msgType}`, "utf8")],
      header: this.header(msgType),
      parent_header: parent === undefined ? {} : parent.header,
      metadata: {},
      content,
      buffers: [],
    };
  }

  private header(msgType: string): MessageHeader {
    return {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: this.session,
      username: this.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    };
  }
}
