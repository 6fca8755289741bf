/**
 * Validation of the model payload that the dnaquant kernel sends when a loaded model is the last
 * expression of a cell: its load report, linear layers and footprint.
 *
 * The payload types are defined once, in the kernel package (`dnaquant/payloads`), and imported
 * here for types only. This module uses no DOM API so that Node's test runner can import it.
 */

import type {
  MODEL_MIME_TYPE as KERNEL_MODEL_MIME_TYPE,
  MODEL_PAYLOAD_VERSION as KERNEL_MODEL_PAYLOAD_VERSION,
  ModelPayload,
} from "dnaquant/payloads";

import {
  expectArray,
  expectFiniteNumber,
  expectNonNegativeInteger,
  expectNonNegativeIntegerArray,
  expectNonNegativeNumber,
  expectRecord,
  expectString,
} from "../common/payload-checks";

/**
 * MIME type of the model summary output.
 *
 * The type annotation is the kernel's literal type, so tsc rejects this value if the kernel's
 * constant changes.
 */
export const MODEL_MIME_TYPE: typeof KERNEL_MODEL_MIME_TYPE = "application/vnd.dnaquant.model+json";

/** Payload version that this renderer shows, checked by tsc against the kernel's constant. */
export const MODEL_PAYLOAD_VERSION: typeof KERNEL_MODEL_PAYLOAD_VERSION = 1;

/** Fields of `payload.footprint`, each a byte count. */
const FOOTPRINT_FIELDS = Object.freeze([
  "totalBytes",
  "quantizedWeightBytes",
  "quantizationMetadataBytes",
  "unquantizedBytes",
  "linearFp32Bytes",
  "linearStoredBytes",
] as const);

/**
 * Validates a model payload and returns it typed.
 *
 * Fields that version 1 does not define are ignored. The returned object is `value` itself, not
 * a copy.
 *
 * @param value - The parsed JSON data of a {@link MODEL_MIME_TYPE} output.
 * @throws TypeError when a field is missing or has the wrong kind of value.
 * @throws RangeError when the version is unknown or a field has an invalid value, such as a block
 * size of 0 or a total footprint that is not the sum of its parts.
 */
export function validateModelPayload(value: unknown): ModelPayload {
  const payload = expectRecord(value, "payload");

  // Check the version first: a payload of another version may differ in every other field.
  const version = expectFiniteNumber(payload["version"], "payload.version");
  if (version !== MODEL_PAYLOAD_VERSION) {
    throw new RangeError(
      `payload.version is ${version}, but this extension renders version ` +
        `${MODEL_PAYLOAD_VERSION} only. Install the dnaquant-jupyterlab release that ` +
        `matches your dnaquant kernel package.`,
    );
  }

  // Where the model came from.
  expectString(payload["name"], "payload.name");
  expectString(payload["source"], "payload.source");
  expectString(payload["file"], "payload.file");
  if (payload["hub"] !== undefined) {
    validateHub(payload["hub"], "payload.hub");
  }

  // How its linear weights are stored.
  const scheme = expectString(payload["scheme"], "payload.scheme");
  if (scheme === "") {
    throw new RangeError("payload.scheme must not be empty.");
  }
  if (payload["blockSize"] !== undefined) {
    const blockSize = expectNonNegativeInteger(payload["blockSize"], "payload.blockSize");
    if (blockSize === 0) {
      throw new RangeError("payload.blockSize must be 1 or more, but it is 0.");
    }
  }
  const layers = expectArray(payload["layers"], "payload.layers");
  layers.forEach((layer, index) => validateLayer(layer, `payload.layers[${index}]`));
  const skipped = expectArray(payload["skipped"], "payload.skipped");
  skipped.forEach((entry, index) => validateSkippedNode(entry, `payload.skipped[${index}]`));

  validateFootprint(payload["footprint"], "payload.footprint");
  expectNonNegativeNumber(payload["loadSeconds"], "payload.loadSeconds");

  return value as ModelPayload;
}

/** Validates `payload.hub`: the model id, the commit and the downloaded files. */
function validateHub(value: unknown, path: string): void {
  const hub = expectRecord(value, path);

  const modelId = expectString(hub["modelId"], `${path}.modelId`);
  if (modelId === "") {
    throw new RangeError(`${path}.modelId must not be empty.`);
  }
  expectString(hub["commit"], `${path}.commit`);
  const downloaded = expectArray(hub["downloaded"], `${path}.downloaded`);
  downloaded.forEach((file, index) => expectString(file, `${path}.downloaded[${index}]`));
}

/** Validates one entry of `payload.layers`. */
function validateLayer(value: unknown, path: string): void {
  const layer = expectRecord(value, path);

  expectString(layer["name"], `${path}.name`);
  expectString(layer["weightName"], `${path}.weightName`);
  expectNonNegativeIntegerArray(layer["shape"], `${path}.shape`);
  expectString(layer["scheme"], `${path}.scheme`);
  expectNonNegativeInteger(layer["storedBytes"], `${path}.storedBytes`);
  expectNonNegativeInteger(layer["fp32Bytes"], `${path}.fp32Bytes`);
}

/** Validates one entry of `payload.skipped`: a node name and the reason it stayed in fp32. */
function validateSkippedNode(value: unknown, path: string): void {
  const entry = expectRecord(value, path);

  expectString(entry["name"], `${path}.name`);
  expectString(entry["reason"], `${path}.reason`);
}

/**
 * Validates `payload.footprint`: byte counts of 0 or more, where the total is the sum of the
 * quantized codes, the quantization metadata and the unquantized tensors.
 */
function validateFootprint(value: unknown, path: string): void {
  const footprint = expectRecord(value, path);

  const bytes = Object.fromEntries(
    FOOTPRINT_FIELDS.map((field) => [field, expectNonNegativeInteger(footprint[field], `${path}.${field}`)]),
  ) as Record<(typeof FOOTPRINT_FIELDS)[number], number>;

  const sum = bytes.quantizedWeightBytes + bytes.quantizationMetadataBytes + bytes.unquantizedBytes;
  if (bytes.totalBytes !== sum) {
    throw new RangeError(
      `${path}.totalBytes (${bytes.totalBytes}) must be the sum of quantizedWeightBytes, ` +
        `quantizationMetadataBytes and unquantizedBytes (${sum}).`,
    );
  }
}
