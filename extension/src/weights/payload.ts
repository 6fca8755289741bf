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
  validateHistogram,
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
  if (payload["codeLevels"] !== undefined) {
    validateCodeLevels(payload["codeLevels"], "payload.codeLevels");
  }

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
  if (layer["normalized"] !== undefined) {
    validateNormalizedHistogram(layer["normalized"], `${path}.normalized`);
  }
}

/** Validates a `NormalizedWeightHistogram`: a positive block size and a histogram. */
function validateNormalizedHistogram(value: unknown, path: string): void {
  const normalized = expectRecord(value, path);

  const blockSize = expectNonNegativeInteger(normalized["blockSize"], `${path}.blockSize`);
  if (blockSize === 0) {
    throw new RangeError(`${path}.blockSize must be 1 or more, but it is 0.`);
  }
  validateHistogram(normalized["histogram"], `${path}.histogram`);
}

/**
 * Validates `CodeLevels`: finite NF4 and FP4 levels and an INT8 grid step in (0, 1]. The step is
 * bounded because the normalized view draws a line every step across [-1, 1].
 */
function validateCodeLevels(value: unknown, path: string): void {
  const levels = expectRecord(value, path);

  expectFiniteNumberArray(levels["nf4"], `${path}.nf4`);
  expectFiniteNumberArray(levels["fp4"], `${path}.fp4`);
  const int8Step = expectFiniteNumber(levels["int8Step"], `${path}.int8Step`);
  if (!(int8Step > 0 && int8Step <= 1)) {
    throw new RangeError(`${path}.int8Step must be in (0, 1], but it is ${int8Step}.`);
  }
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
