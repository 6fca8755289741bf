/** The error raised when a model cannot be resolved from the Hugging Face cache or hub. */

/** Reasons a hub model could not be resolved, one per {@link HubModelError.code}. */
export const HUB_ERROR_CODES = Object.freeze([
  // Offline mode is on and the cache has no snapshot for the revision.
  "not-cached",
  // Offline mode is on and the cached snapshot lacks a file the loader needs.
  "incomplete-cache",
  // The connection to the hub was refused or timed out.
  "hub-unreachable",
  // HTTP 401 or 403: a private or gated repository, or a token without access.
  "unauthorized",
  // HTTP 404, or a file the loader needs is not in the repository.
  "not-found",
  // Any other HTTP error status.
  "http-error",
  // The hub responded without the headers or fields that place a file in the cache.
  "invalid-response",
  // The connection broke or the body was shorter than announced; nothing was cached.
  "download-failed",
] as const);

/** A reason a hub model could not be resolved. */
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

/** Details of a {@link HubModelError}. */
export interface HubModelErrorDetails {
  code: HubErrorCode;
  /** The model id, such as `owner/name`. */
  modelId: string;
  /** The file in the repository, such as `onnx/model.onnx`. */
  file?: string;
  /** The URL that failed. */
  url?: string;
  /** The HTTP status of the failed request. */
  status?: number;
  /** The error that caused this one, such as a network error. */
  cause?: unknown;
}

/** A model id that could not be resolved to files. The message names the next step. */
export class HubModelError extends Error {
  readonly code: HubErrorCode;
  readonly modelId: string;
  readonly file: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;

  constructor(message: string, details: HubModelErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HubModelError";
    this.code = details.code;
    this.modelId = details.modelId;
    this.file = details.file;
    this.url = details.url;
    this.status = details.status;
  }
}
