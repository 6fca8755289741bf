import type { IsCompleteReply } from "../protocol/messages";
import type { KernelServices, RequestContext } from "./context";
import { readString } from "./request-content";

/** Handles is_complete_request by parsing the code without running it. */
export function handleIsCompleteRequest(context: RequestContext, services: KernelServices): IsCompleteReply {
  const code = readString(context.request.content, "code", "is_complete_request");
  const result = services.runner.checkCompleteness(code);
  return result.status === "incomplete" ? { status: "incomplete", indent: result.indent ?? "" } : { status: result.status };
}
