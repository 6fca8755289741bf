import type { InterruptReply, ShutdownReply } from "../protocol/messages";
import type { KernelServices, RequestContext } from "./context";
import { readBoolean } from "./request-content";

/** Handles shutdown_request: the kernel exits after this reply and its idle status are sent. */
export function handleShutdownRequest(context: RequestContext, services: KernelServices): ShutdownReply {
  const restart = readBoolean(context.request.content, "restart", "shutdown_request", false);
  services.scheduleShutdown(restart);
  return { status: "ok", restart };
}

/**
 * Handles interrupt_request (kernel specs with `interrupt_mode: "message"`) like SIGINT:
 * a cell waiting on a promise stops with an InterruptError. Synchronous code cannot be
 * stopped this way, because the event loop only reads this request after the code returns.
 */
export function handleInterruptRequest(_context: RequestContext, services: KernelServices): InterruptReply {
  services.runner.interrupt();
  return { status: "ok" };
}
