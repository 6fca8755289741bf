/**
 * Validation of the weights payload that the dnaquant kernel sends.
 *
 * The payload types are defined once, in the kernel package (`dnaquant/payloads`). They are
 * imported for types only, so the browser bundle does not depend on the kernel package at run
 * time. This module uses no DOM API so that Node's test runner can import it.
 */

import type {
  WEIGHTS_MIME_TYPE as KERNEL_WEIGHTS_MIME_TYPE,
  WEIGHTS_PAYLOAD_VERSION as KERNEL_WEIGHTS_PAYLOAD_VERSION,
  WeightsPayload,
} from "dnaquant/payloads";

import {
  expectArray,
  expectFiniteNumber,
  expectFiniteNumberArray,
  expectNonNegativeInteger,
  expectNonNegativeIntegerArray,
  expectRecord,
  expectString,
} from "../common/payload-checks";

/**
 * MIME type of the per-layer weight-distribution output.
 *
 * The type annotation is the kernel's literal type, so tsc rejects this value if the kernel's
 * constant changes.
 */
export const WEIGHTS_MIME_TYPE: typeof KERNEL_WEIGHTS_MIME_TYPE =
  "application/vnd.dnaquant.weights+json";

/** Payload version that this renderer draws, checked by tsc against the kernel's constant. */
export const WEIGHTS_PAYLOAD_VERSION: typeof KERNEL_WEIGHTS_PAYLOAD_VERSION = 1;

/**
 * Validates a weights payload and returns it typed.
 *
 * Fields that version 1 does not define are ignored. The returned object is `value` itself, not
 * a copy.
 *
 * @param value - The parsed JSON data of a {@link WEIGHTS_MIME_TYPE} output.
 * @throws TypeError when a field is missing or has the wrong kind of value.
 * @throws RangeError when the version is unknown or a field has an invalid value, such as
 * histogram edges that do not increase.
 */
export function validateWeightsPayload(value: unknown): WeightsPayload {
  const payload = expectRecord(value, "payload");

  // Check the version first: a payload of another version may differ in every other field.
  const version = expectFiniteNumber(payload["version"], "payload.version");
  if (version !== WEIGHTS_PAYLOAD_VERSION) {
    throw new RangeError(
      `payload.version is ${version}, but this extension renders version ` +
        `${WEIGHTS_PAYLOAD_VERSION} only. Install the dnaquant-jupyterlab release that ` +
        `matches your dnaquant kernel package.`,
    );
  }

  expectString(payload["model"], "payload.model");
  expectString(payload["scheme"], "payload.scheme");
  const layers = expectArray(payload["layers"], "payload.layers");
  layers.forEach((layer, index) => validateLayer(layer, `payload.layers[${index}]`));

  return value as WeightsPayload;
}

/** Validates one entry of `payload.layers`. */
function validateLayer(value: unknown, path: string): void {
  const layer = expectRecord(value, path);

  expectString(layer["name"], `${path}.name`);
  expectString(layer["weightName"], `${path}.weightName`);
  expectNonNegativeIntegerArray(layer["shape"], `${path}.shape`);
  expectString(layer["scheme"], `${path}.scheme`);
  validateStatistics(layer["statistics"], `${path}.statistics`);
  validateHistogram(layer["histogram"], `${path}.histogram`);
}

/** Validates a `TensorStatistics` object. */
function validateStatistics(value: unknown, path: string): void {
  const statistics = expectRecord(value, path);

  expectNonNegativeInteger(statistics["count"], `${path}.count`);
  const min = expectFiniteNumber(statistics["min"], `${path}.min`);
  const max = expectFiniteNumber(statistics["max"], `${path}.max`);
  expectFiniteNumber(statistics["mean"], `${path}.mean`);
  const std = expectFiniteNumber(statistics["std"], `${path}.std`);

  if (min > max) {
    throw new RangeError(`${path}.min (${min}) must not be greater than ${path}.max (${max}).`);
  }
  if (std < 0) {
    throw new RangeError(`${path}.std must be 0 or more, but it is ${std}.`);
  }
}

/**
 * Validates a `Histogram`: at least one bin, `edges.length === counts.length + 1`, strictly
 * increasing edges and integer counts of 0 or more.
 */
function validateHistogram(value: unknown, path: string): void {
  const histogram = expectRecord(value, path);
  const edges = expectFiniteNumberArray(histogram["edges"], `${path}.edges`);
  const counts = expectNonNegativeIntegerArray(histogram["counts"], `${path}.counts`);

  if (counts.length === 0) {
    throw new RangeError(`${path}.counts must have at least one bin, but it is empty.`);
  }
  if (edges.length !== counts.length + 1) {
    throw new RangeError(
      `${path}.edges must have counts.length + 1 = ${counts.length + 1} entries, ` +
        `but it has ${edges.length}.`,
    );
  }

  for (let index = 1; index < edges.length; index++) {
    const previous = edges[index - 1];
    const current = edges[index];
    if (!(current > previous)) {
      throw new RangeError(
        `${path}.edges must increase strictly, but edges[${index}] = ${current} is not ` +
          `greater than edges[${index - 1}] = ${previous}.`,
      );
    }
  }
}
