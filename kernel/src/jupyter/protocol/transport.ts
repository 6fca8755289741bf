import * as zmq from "zeromq";

import type { Logger } from "../logger";
import { socketEndpoint, type ConnectionInfo } from "./connection-file";
import type { ChannelName, JupyterMessage, RequestChannel } from "./messages";
import type { MessageSigner } from "./signature";
import { decodeMessage, encodeMessage, WireFormatError } from "./wire";

/** Receives every correctly signed request from the shell and control channels. */
export type RequestListener = (channel: RequestChannel, message: JupyterMessage) => void;

/**
 * Milliseconds that a closed socket keeps trying to deliver queued messages, such as the
 * shutdown_reply, before the process exits.
 */
const LINGER_MILLISECONDS = 1000;

/** Invalid messages logged one by one before the log switches to every `INVALID_LOG_EVERY`th. */
const INVALID_LOG_FIRST = 10;
const INVALID_LOG_EVERY = 100;

/**
 * The kernel's five ZeroMQ sockets, bound to the endpoints of a connection file:
 * ROUTER sockets for shell, control and stdin, a PUB socket for iopub and a REP socket that
 * echoes heartbeats.
 */
export class ZmqTransport {
  private closed = false;
  private invalidMessages = 0;

  private constructor(
    private readonly sockets: {
      shell: zmq.Router;
      control: zmq.Router;
      stdin: zmq.Router;
      iopub: zmq.Publisher;
      heartbeat: zmq.Reply;
    },
    private readonly signer: MessageSigner,
    private readonly logger: Logger,
  ) {}

  /**
   * Binds all sockets and starts reading requests, which go to `listener`.
   * Rejects when a socket cannot bind, for example because its port is taken.
   */
  static async open(
    info: ConnectionInfo,
    signer: MessageSigner,
    logger: Logger,
    listener: RequestListener,
  ): Promise<ZmqTransport> {
    const options = { linger: LINGER_MILLISECONDS };
    const sockets = {
      shell: new zmq.Router(options),
      control: new zmq.Router(options),
      stdin: new zmq.Router(options),
      iopub: new zmq.Publisher(options),
      heartbeat: new zmq.Reply(options),
    };
    const transport = new ZmqTransport(sockets, signer, logger);

    const bindings: Array<[zmq.Socket, number]> = [
      [sockets.shell, info.shell_port],
      [sockets.control, info.control_port],
      [sockets.stdin, info.stdin_port],
      [sockets.iopub, info.iopub_port],
      [sockets.heartbeat, info.hb_port],
    ];
    try {
      await Promise.all(bindings.map(([socket, port]) => socket.bind(socketEndpoint(info, port))));
    } catch (error) {
      transport.close();
      throw error;
    }

    void transport.receiveRequests("shell", sockets.shell, listener);
    void transport.receiveRequests("control", sockets.control, listener);
    void transport.echoHeartbeats();
    return transport;
  }

  /** Signs and queues `message` on `channel`. Failures are logged, never thrown. */
  send(channel: ChannelName, message: JupyterMessage<unknown>): void {
    if (this.closed) {
      this.logger.debug(() => `Dropped ${message.header.msg_type} on ${channel}: the transport is closed.`);
      return;
    }

    let frames: Buffer[];
    try {
      frames = encodeMessage(message, this.signer);
    } catch (error) {
      this.logger.error(`Cannot encode ${message.header.msg_type} for ${channel}.`, error);
      return;
    }

    // ZeroMQ's ROUTER (without ZMQ_ROUTER_MANDATORY) and PUB sockets drop messages at the high
    // water mark instead of blocking, so zeromq.js queues each send at once and several sends
    // may be issued without awaiting the previous one.
    const logFailure = (error: unknown) =>
      this.logger.error(`Cannot send ${message.header.msg_type} on ${channel}.`, error);
    try {
      this.sockets[channel].send(frames).catch(logFailure);
    } catch (error) {
      logFailure(error);
    }
  }

  /**
   * Resolves after the receive loops have read the requests that were already waiting in
   * ZeroMQ, for example those that arrived while a synchronous cell blocked the event loop.
   */
  async receivePending(): Promise<void> {
    // Between two setImmediate callbacks, the event loop runs one poll phase with a zero
    // timeout. ZeroMQ's descriptor is readable then, and each receive that follows resolves
    // at once while messages remain, so the loops drain the queue in that same turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Closes all sockets. Queued outgoing messages get {@link LINGER_MILLISECONDS} to leave. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const socket of Object.values(this.sockets)) {
      socket.close();
    }
  }

  private async receiveRequests(channel: RequestChannel, socket: zmq.Router, listener: RequestListener): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(channel, frames);
        if (message !== undefined) {
          listener(channel, message);
        }
      }
    } catch (error) {
      if (!this.closed) {
        this.logger.error(`The ${channel} receive loop stopped; the kernel no longer reads ${channel} requests.`, error);
      }
    }
  }

  private decode(channel: RequestChannel, frames: Buffer[]): JupyterMessage | undefined {
    try {
      return decodeMessage(frames, this.signer);
    } catch (error) {
      if (!(error instanceof WireFormatError)) {
        throw error;
      }
      this.invalidMessages++;
      const count = this.invalidMessages;
      if (count <= INVALID_LOG_FIRST || count % INVALID_LOG_EVERY === 0) {
        this.logger.warn(`Ignored an invalid message on ${channel} (${count} so far): ${error.message}`);
      }
      return undefined;
    }
  }

  private async echoHeartbeats(): Promise<void> {
    const heartbeat = this.sockets.heartbeat;
    try {
      for await (const frames of heartbeat) {
        await heartbeat.send(frames);
      }
    } catch (error) {
      if (!this.closed) {
        this.logger.error("The heartbeat loop stopped; clients will report the kernel as dead.", error);
      }
    }
  }
}
