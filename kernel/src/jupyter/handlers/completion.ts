import { codePointsToUtf16, utf16ToCodePoints } from "../protocol/positions";
import type { CompleteReply } from "../protocol/messages";
import type { KernelServices, RequestContext } from "./context";
import { readNonNegativeInteger, readString } from "./request-content";

const MSG_TYPE = "complete_request";

/**
 * Handles complete_request with TypeScript's completions at the cursor.
 * An absent `cursor_pos` means the end of the code.
 */
export function handleCompleteRequest(context: RequestContext, services: KernelServices): CompleteReply {
  const { content } = context.request;
  const code = readString(content, "code", MSG_TYPE);
  const codePointLength = utf16ToCodePoints(code, code.length);
  const cursorPos = Math.min(readNonNegativeInteger(content, "cursor_pos", MSG_TYPE, codePointLength), codePointLength);

  const completion = services.runner.complete(code, codePointsToUtf16(code, cursorPos));
  return {
    status: "ok",
    matches: completion.matches,
    cursor_start: utf16ToCodePoints(code, completion.start),
    cursor_end: utf16ToCodePoints(code, completion.end),
    metadata: {},
  };
}
