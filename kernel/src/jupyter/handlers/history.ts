import type { HistoryReply } from "../protocol/messages";

/** Handles history_request. The kernel keeps no history, so every query returns no entries. */
export function handleHistoryRequest(): HistoryReply {
  return { status: "ok", history: [] };
}
