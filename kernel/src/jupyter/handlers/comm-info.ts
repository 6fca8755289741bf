import type { CommInfoReply } from "../protocol/messages";

/**
 * Handles comm_info_request. The kernel opens no comms (ipywidgets and similar are not
 * supported), so the reply lists none for any target.
 */
export function handleCommInfoRequest(): CommInfoReply {
  return { status: "ok", comms: {} };
}
