/**
 * Contract between the dnaquant library and the Jupyter kernel for rich output.
 *
 * The kernel installs a display function on `globalThis` under {@link DISPLAY_CHANNEL_KEY};
 * library code looks it up with {@link getDisplayFunction} and stays usable outside the
 * kernel, where the function is absent. A value whose class implements
 * {@link MIME_BUNDLE_METHOD} is shown with that bundle when it is the last expression of a
 * cell. This module has no runtime dependencies, so browser bundles may import it too.
 */

/** Key of the kernel's display function on `globalThis`; `Symbol.for` makes it realm-wide. */
export const DISPLAY_CHANNEL_KEY: unique symbol = Symbol.for("dnaquant.display");

/** Name of the method that turns a value into a MIME bundle for a cell's execute_result. */
export const MIME_BUNDLE_METHOD: unique symbol = Symbol.for("dnaquant.mimeBundle");

/**
 * MIME bundle of one output.
 *
 * For MIME types ending in `+json` and for `application/json` the value is a JSON object
 * (a string is parsed by the kernel). Other text types take a string. Binary types such as
 * `image/png` take a base64 string or a `Uint8Array`, which the kernel encodes.
 */
export interface MimeBundle {
  /** Output data keyed by MIME type, such as `text/plain` or `application/vnd.dnaquant.weights+json`. */
  data: Record<string, unknown>;
  /** Per-output metadata keyed by MIME type, such as `{ "image/png": { width: 640 } }`. */
  metadata?: Record<string, unknown>;
}

/** MIME bundle sent through the display function. */
export interface DisplayBundle extends MimeBundle {
  /** Data that is not stored in the notebook. */
  transient?: {
    /** Id of the output; a later call with `update` set replaces every output with this id. */
    display_id?: string;
  };
}

/**
 * Function that sends a bundle to the notebook as `display_data`, or as
 * `update_display_data` when `update` is true (which requires `transient.display_id`).
 * It throws a TypeError for an invalid bundle and an Error when no cell has run yet.
 */
export type DisplayFunction = (bundle: DisplayBundle, update?: boolean) => void;

/** Value that provides its own rich representation as a cell result. */
export interface MimeBundleProvider {
  [MIME_BUNDLE_METHOD](): MimeBundle;
}

/** Returns the kernel's display function, or undefined outside the dnaquant kernel. */
export function getDisplayFunction(): DisplayFunction | undefined {
  const candidate = (globalThis as Record<symbol, unknown>)[DISPLAY_CHANNEL_KEY];
  return typeof candidate === "function" ? (candidate as DisplayFunction) : undefined;
}

/** Returns whether `value` implements {@link MIME_BUNDLE_METHOD}. */
export function isMimeBundleProvider(value: unknown): value is MimeBundleProvider {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return false;
  }
  return typeof (value as Partial<MimeBundleProvider>)[MIME_BUNDLE_METHOD] === "function";
}
