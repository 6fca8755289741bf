import { codePointsToUtf16, utf16ToCodePoints } from "../protocol/positions";
import type { InspectReply } from "../protocol/messages";
import type { KernelServices, RequestContext } from "./context";
import { readNonNegativeInteger, readString } from "./request-content";

const MSG_TYPE = "inspect_request";

/**
 * Handles inspect_request with the TypeScript type and documentation of the symbol at the
 * cursor, as `text/plain`. `detail_level` is accepted but both levels return the same text.
 */
export function handleInspectRequest(context: RequestContext, services: KernelServices): InspectReply {
  const { content } = context.request;
  const code = readString(content, "code", MSG_TYPE);
  const codePointLength = utf16ToCodePoints(code, code.length);
  const cursorPos = Math.min(readNonNegativeInteger(content, "cursor_pos", MSG_TYPE, codePointLength), codePointLength);

  const text = services.runner.inspect(code, codePointsToUtf16(code, cursorPos));
  if (text === undefined) {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }
  return { status: "ok", found: true, data: { "text/plain": text }, metadata: {} };
}
