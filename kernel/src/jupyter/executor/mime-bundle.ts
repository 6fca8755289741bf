/**
 * Validation and normalization of MIME bundles before they leave the kernel, and the
 * representation of a cell's last value as an execute_result bundle.
 */
import { inspect } from "node:util";

import { MIME_BUNDLE_METHOD, isMimeBundleProvider } from "../display-channel";
import type { DisplayDataContent, MimeBundleContent } from "../protocol/messages";

/** Form of a MIME type key: `type/subtype` with word characters, `-`, `+` and `.`. */
const MIME_TYPE_PATTERN = /^[\w\-+.]+\/[\w\-+.]+$/;

/** Returns whether values of `mimeType` are JSON values rather than strings. */
export function isJsonMimeType(mimeType: string): boolean {
  return mimeType === "application/json" || mimeType.endsWith("+json");
}

/** Formats a value as `text/plain` the way Node's REPL does, without ANSI colors. */
export function formatPlainText(value: unknown): string {
  return inspect(value, { colors: false });
}

/**
 * Validates `data` of a MIME bundle and returns a copy ready for JSON:
 * JSON MIME types get JSON values (a string is parsed), `Uint8Array` values become base64
 * strings, and every other value must be a string.
 * Throws a TypeError that starts with `context` for an invalid key or value.
 */
export function normalizeMimeData(data: unknown, context: string): Record<string, unknown> {
  if (!isPlainObject(data)) {
    throw new TypeError(`${context}: data must be an object keyed by MIME type, got ${describeValue(data)}.`);
  }

  const normalized: Record<string, unknown> = {};
  for (const [mimeType, value] of Object.entries(data)) {
    if (!MIME_TYPE_PATTERN.test(mimeType)) {
      throw new TypeError(`${context}: ${JSON.stringify(mimeType)} is not a MIME type such as "text/plain".`);
    }
    normalized[mimeType] = normalizeMimeValue(mimeType, value, context);
  }
  return normalized;
}

/** Validates optional bundle metadata and returns a copy, `{}` for undefined. Throws a TypeError for a non-object. */
export function normalizeMetadata(metadata: unknown, context: string): Record<string, unknown> {
  if (metadata === undefined) {
    return {};
  }
  if (!isPlainObject(metadata)) {
    throw new TypeError(`${context}: metadata must be an object keyed by MIME type, got ${describeValue(metadata)}.`);
  }
  return { ...metadata };
}

/**
 * Validates a bundle passed to the display function and returns display_data content.
 * `update` requires `transient.display_id`, because update_display_data replaces the outputs
 * with that id. Throws a TypeError for an invalid bundle or one that JSON cannot encode.
 */
export function normalizeDisplayBundle(bundle: unknown, update: boolean): DisplayDataContent {
  const context = update ? "update_display_data" : "display_data";
  if (!isPlainObject(bundle)) {
    throw new TypeError(`${context}: the bundle must be an object with "data", got ${describeValue(bundle)}.`);
  }

  const content: DisplayDataContent = {
    data: normalizeMimeData(bundle.data, context),
    metadata: normalizeMetadata(bundle.metadata, context),
    transient: {},
  };

  const transient = bundle.transient;
  if (transient !== undefined) {
    if (!isPlainObject(transient)) {
      throw new TypeError(`${context}: transient must be an object, got ${describeValue(transient)}.`);
    }
    const displayId = transient.display_id;
    if (displayId !== undefined && (typeof displayId !== "string" || displayId === "")) {
      throw new TypeError(`${context}: transient.display_id must be a non-empty string, got ${describeValue(displayId)}.`);
    }
    if (displayId !== undefined) {
      content.transient.display_id = displayId;
    }
  }
  if (update && content.transient.display_id === undefined) {
    throw new TypeError(`${context}: an update needs bundle.transient.display_id to name the output it replaces.`);
  }

  assertJsonEncodable(content, context);
  return content;
}

/**
 * Returns the execute_result bundle of a cell's last value: the value's own bundle when it
 * implements `Symbol.for("dnaquant.mimeBundle")`, otherwise `text/plain` from util.inspect.
 * A value's own bundle gets `text/plain` added when it has none, so that every front end can
 * show something. Errors thrown by the value's method propagate.
 */
export function executeResultBundle(value: unknown): MimeBundleContent {
  if (!isMimeBundleProvider(value)) {
    return { data: { "text/plain": formatPlainText(value) }, metadata: {} };
  }

  const context = "The value's [Symbol.for(\"dnaquant.mimeBundle\")]() result";
  const bundle: unknown = value[MIME_BUNDLE_METHOD]();
  if (!isPlainObject(bundle)) {
    throw new TypeError(`${context} must be an object with "data", got ${describeValue(bundle)}.`);
  }
  const content: MimeBundleContent = {
    data: normalizeMimeData(bundle.data, context),
    metadata: normalizeMetadata(bundle.metadata, context),
  };
  if (!("text/plain" in content.data)) {
    content.data["text/plain"] = formatPlainText(value);
  }
  assertJsonEncodable(content, context);
  return content;
}

function normalizeMimeValue(mimeType: string, value: unknown, context: string): unknown {
  if (isJsonMimeType(mimeType)) {
    if (typeof value !== "string") {
      return value;
    }
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw new TypeError(
        `${context}: data[${JSON.stringify(mimeType)}] is a string that is not valid JSON (${(error as Error).message}). Pass the object itself.`,
      );
    }
  }
  if (typeof value === "string") {
    return value;
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  }
  throw new TypeError(
    `${context}: data[${JSON.stringify(mimeType)}] must be a string or a Uint8Array, got ${describeValue(value)}.`,
  );
}

function assertJsonEncodable(content: object, context: string): void {
  try {
    JSON.stringify(content);
  } catch (error) {
    throw new TypeError(`${context}: the bundle cannot be encoded as JSON (${(error as Error).message}).`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "object" ? "an object" : `${typeof value} ${inspect(value)}`;
}
