/**
 * Validation of the quantization-error payload that the dnaquant kernel sends.
 *
 * The payload types are defined once, in the kernel package (`dnaquant/payloads`), and imported
 * here for types only. This module uses no DOM API so that Node's test runner can import it.
 */

import type {
  ERROR_MIME_TYPE as KERNEL_ERROR_MIME_TYPE,
  ERROR_PAYLOAD_VERSION as KERNEL_ERROR_PAYLOAD_VERSION,
  ErrorPayload,
} from "dnaquant/payloads";

import {
  expectArray,
  expectFiniteNumber,
  expectFiniteNumberOrNull,
  expectNonNegativeInteger,
  expectNonNegativeIntegerArray,
  expectNonNegativeNumber,
  expectRecord,
  expectString,
  hasOwn,
  validateHistogram,
} from "../common/payload-checks";

/**
 * MIME type of the quantization-error output.
 *
 * The type annotation is the kernel's literal type, so tsc rejects this value if the kernel's
 * constant changes.
 */
export const ERROR_MIME_TYPE: typeof KERNEL_ERROR_MIME_TYPE = "application/vnd.dnaquant.error+json";

/** Payload version that this renderer draws, checked by tsc against the kernel's constant. */
export const ERROR_PAYLOAD_VERSION: typeof KERNEL_ERROR_PAYLOAD_VERSION = 1;

/**
 * Validates an error payload and returns it typed.
 *
 * A layer may lack the metrics or the error histogram of a scheme; the view shows no value
 * there. Entries keyed by an id that no scheme has are not checked, and fields that version 1
 * does not define are ignored. The returned object is `value` itself, not a copy.
 *
 * @param value - The parsed JSON data of an {@link ERROR_MIME_TYPE} output.
 * @throws TypeError when a field is missing or has the wrong kind of value.
 * @throws RangeError when the version is unknown or a field has an invalid value, such as a
 * negative MSE or two schemes with the same id.
 */
export function validateErrorPayload(value: unknown): ErrorPayload {
  const payload = expectRecord(value, "payload");

  // Check the version first: a payload of another version may differ in every other field.
  const version = expectFiniteNumber(payload["version"], "payload.version");
  if (version !== ERROR_PAYLOAD_VERSION) {
    throw new RangeError(
      `payload.version is ${version}, but this extension renders version ` +
        `${ERROR_PAYLOAD_VERSION} only. Install the dnaquant-jupyterlab release that ` +
        `matches your dnaquant kernel package.`,
    );
  }

  expectString(payload["model"], "payload.model");
  const schemes = expectArray(payload["schemes"], "payload.schemes");
  const schemeIds = schemes.map((scheme, index) => validateScheme(scheme, `payload.schemes[${index}]`));
  schemeIds.forEach((id, index) => {
    const first = schemeIds.indexOf(id);
    if (first !== index) {
      throw new RangeError(
        `payload.schemes[${index}].id ${JSON.stringify(id)} repeats the id of ` +
          `payload.schemes[${first}]. Each scheme needs its own id.`,
      );
    }
  });

  const layers = expectArray(payload["layers"], "payload.layers");
  layers.forEach((layer, index) => validateLayer(layer, `payload.layers[${index}]`, schemeIds));

  return value as ErrorPayload;
}

/** Validates one entry of `payload.schemes` and returns its id. */
function validateScheme(value: unknown, path: string): string {
  const scheme = expectRecord(value, path);

  const id = expectString(scheme["id"], `${path}.id`);
  if (id === "") {
    throw new RangeError(`${path}.id must not be empty.`);
  }
  expectString(scheme["label"], `${path}.label`);
  expectString(scheme["kind"], `${path}.kind`);
  if (scheme["blockSize"] !== undefined) {
    const blockSize = expectNonNegativeInteger(scheme["blockSize"], `${path}.blockSize`);
    if (blockSize === 0) {
      throw new RangeError(`${path}.blockSize must be 1 or more, but it is 0.`);
    }
  }
  expectNonNegativeNumber(scheme["bitsPerWeight"], `${path}.bitsPerWeight`);
  return id;
}

/** Validates one entry of `payload.layers`, and its metrics and histograms of known schemes. */
function validateLayer(value: unknown, path: string, schemeIds: readonly string[]): void {
  const layer = expectRecord(value, path);

  expectString(layer["name"], `${path}.name`);
  expectString(layer["weightName"], `${path}.weightName`);
  expectNonNegativeIntegerArray(layer["shape"], `${path}.shape`);
  validateHistogram(layer["weightHistogram"], `${path}.weightHistogram`);

  const metrics = expectRecord(layer["metrics"], `${path}.metrics`);
  const errorHistograms = expectRecord(layer["errorHistograms"], `${path}.errorHistograms`);
  for (const id of schemeIds) {
    if (hasOwn(metrics, id)) {
      validateMetrics(metrics[id], `${path}.metrics[${JSON.stringify(id)}]`);
    }
    if (hasOwn(errorHistograms, id)) {
      validateHistogram(errorHistograms[id], `${path}.errorHistograms[${JSON.stringify(id)}]`);
    }
  }
}

/** Validates an `ErrorMetricsPayload`. Relative MSE and SQNR may be null, meaning infinite. */
function validateMetrics(value: unknown, path: string): void {
  const metrics = expectRecord(value, path);

  expectNonNegativeNumber(metrics["mse"], `${path}.mse`);
  const relativeMse = expectFiniteNumberOrNull(metrics["relativeMse"], `${path}.relativeMse`);
  if (relativeMse !== null && relativeMse < 0) {
    throw new RangeError(`${path}.relativeMse must be 0 or more, but it is ${relativeMse}.`);
  }
  expectFiniteNumberOrNull(metrics["sqnrDb"], `${path}.sqnrDb`);
  expectNonNegativeNumber(metrics["maxAbsError"], `${path}.maxAbsError`);
  expectNonNegativeNumber(metrics["meanAbsError"], `${path}.meanAbsError`);
}

