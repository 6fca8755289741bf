/**
 * Routes a cell's side output to the request that is running: text written to
 * process.stdout and process.stderr (console.log included), bundles sent through the global
 * display function, and tslab's own `tslab.display` calls.
 */
import { DISPLAY_CHANNEL_KEY, type DisplayBundle, type DisplayFunction } from "../display-channel";
import type { DisplayDataContent } from "../protocol/messages";
import { normalizeDisplayBundle } from "./mime-bundle";
import type { TslabJupyterModule } from "./tslab";

export type StreamName = "stdout" | "stderr";

/** Receiver of one request's output. The kernel creates one per execute_request. */
export interface OutputSink {
  stream(name: StreamName, text: string): void;
  display(content: DisplayDataContent, update: boolean): void;
}

/**
 * Milliseconds that written text waits in the buffer so that many small writes leave as one
 * stream message. A synchronous loop that keeps writing flushes on the first write after this
 * interval, so its progress still shows while it runs.
 */
export const STREAM_FLUSH_MILLISECONDS = 50;

type WriteFunction = typeof process.stdout.write;

interface PendingText {
  name: StreamName;
  text: string;
}

export class OutputRouter {
  private sink: OutputSink | undefined;
  private pending: PendingText[] = [];
  private pendingSince = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  private readonly restoreActions: Array<() => void> = [];

  constructor(private readonly tslabJupyter?: TslabJupyterModule) {}

  /**
   * The function installed on `globalThis[Symbol.for("dnaquant.display")]`.
   * Throws a TypeError for an invalid bundle and an Error before the first request.
   */
  readonly display: DisplayFunction = (bundle: DisplayBundle, update = false) => {
    const content = normalizeDisplayBundle(bundle, update === true);
    const sink = this.sink;
    if (sink === undefined) {
      throw new Error("Cannot display output: no cell has run in this kernel yet.");
    }
    this.flush();
    sink.display(content, update === true);
  };

  /**
   * Replaces process.stdout.write and process.stderr.write, installs the global display
   * function and connects tslab's display module. {@link uninstall} reverts all three.
   */
  install(): void {
    this.captureStream("stdout", process.stdout);
    this.captureStream("stderr", process.stderr);

    const globals = globalThis as Record<symbol, unknown>;
    const previousDisplay = globals[DISPLAY_CHANNEL_KEY];
    globals[DISPLAY_CHANNEL_KEY] = this.display;
    this.restoreActions.push(() => {
      globals[DISPLAY_CHANNEL_KEY] = previousDisplay;
    });

    const tslabJupyter = this.tslabJupyter;
    if (tslabJupyter !== undefined) {
      const previousWrite = tslabJupyter.lastWriteDisplayData;
      // tslab passes { data, metadata, transient } with one MIME type and data as a string.
      tslabJupyter.lastWriteDisplayData = (content, update) => this.display(content as DisplayBundle, update);
      this.restoreActions.push(() => {
        tslabJupyter.lastWriteDisplayData = previousWrite;
      });
    }
  }

  uninstall(): void {
    this.flush();
    for (const restore of this.restoreActions.splice(0).reverse()) {
      restore();
    }
  }

  /**
   * Sends later output to `sink`. Output stays with the last sink after its request ends,
   * so that timers and callbacks of a finished cell still print into that cell.
   */
  setSink(sink: OutputSink): void {
    this.flush();
    this.sink = sink;
  }

  /** Sends buffered text now, in the order it was written. */
  flush(): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const pending = this.pending;
    this.pending = [];
    const sink = this.sink;
    if (sink === undefined) {
      return;
    }
    for (const { name, text } of pending) {
      sink.stream(name, text);
    }
  }

  private captureStream(name: StreamName, stream: NodeJS.WriteStream): void {
    const originalWrite = stream.write;
    const write = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      if (this.sink === undefined) {
        return Reflect.apply(originalWrite, stream, [chunk, encodingOrCallback, callback].filter((arg) => arg !== undefined));
      }
      const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : undefined;
      this.append(name, this.decode(name, chunk, encoding));
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") {
        process.nextTick(done as () => void);
      }
      return true;
    };
    stream.write = write as WriteFunction;
    this.restoreActions.push(() => {
      stream.write = originalWrite;
    });
  }

  private decode(name: StreamName, chunk: unknown, encoding: BufferEncoding | undefined): string {
    if (typeof chunk === "string") {
      return encoding === undefined || encoding === "utf8" || encoding === "utf-8"
        ? chunk
        : Buffer.from(chunk, encoding).toString("utf8");
    }
    if (chunk instanceof Uint8Array) {
      // A streaming decoder keeps a multi-byte character that is split across writes intact.
      return this.decoders[name].decode(chunk, { stream: true });
    }
    return String(chunk);
  }

  private append(name: StreamName, text: string): void {
    if (text === "") {
      return;
    }
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.name === name) {
      last.text += text;
    } else {
      this.pending.push({ name, text });
    }

    const now = Date.now();
    if (this.flushTimer === undefined) {
      this.pendingSince = now;
      this.flushTimer = setTimeout(() => this.flush(), STREAM_FLUSH_MILLISECONDS);
      this.flushTimer.unref();
    } else if (now - this.pendingSince >= STREAM_FLUSH_MILLISECONDS) {
      this.flush();
    }
  }
}
