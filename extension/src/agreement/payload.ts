/**
 * Validation of the agreement payload that the dnaquant kernel sends: how closely each quantized
 * model follows its fp32 reference.
 *
 * The payload types are defined once, in the kernel package (`dnaquant/payloads`), and imported
 * here for types only. This module uses no DOM API so that Node's test runner can import it.
 */

import type {
  AGREEMENT_MIME_TYPE as KERNEL_AGREEMENT_MIME_TYPE,
  AGREEMENT_PAYLOAD_VERSION as KERNEL_AGREEMENT_PAYLOAD_VERSION,
  AgreementPayload,
} from "dnaquant/payloads";

import {
  expectArray,
  expectFiniteNumber,
  expectNonNegativeInteger,
  expectRecord,
  expectString,
  type UncheckedRecord,
} from "../common/payload-checks";

/**
 * MIME type of the agreement output.
 *
 * The type annotation is the kernel's literal type, so tsc rejects this value if the kernel's
 * constant changes.
 */
export const AGREEMENT_MIME_TYPE: typeof KERNEL_AGREEMENT_MIME_TYPE =
  "application/vnd.dnaquant.agreement+json";

/** Payload version that this renderer draws, checked by tsc against the kernel's constant. */
export const AGREEMENT_PAYLOAD_VERSION: typeof KERNEL_AGREEMENT_PAYLOAD_VERSION = 1;

/**
 * Amount by which a cosine may lie outside [-1, 1]. The kernel computes cosines of float32
 * embeddings in float64, and rounding can put the cosine of two equal vectors just above 1.
 */
export const COSINE_TOLERANCE = 1e-6;

/**
 * Amount by which a mean KL divergence may lie below 0. KL divergence is never negative, but the
 * kernel sums `p · log(p / q)` in float64 over probabilities that sum to 1 only up to rounding,
 * so two nearly equal distributions can give a sum just below 0.
 */
export const KL_TOLERANCE = 1e-9;

/**
 * Validates an agreement payload and returns it typed.
 *
 * A row may lack any of the metrics, which then were not measured: a classifier has no
 * embedding cosine, and a model without a masked-language or classifier head has no top-1
 * agreement. Two rows may have the same scheme, such as NF4 at two block sizes. Fields that
 * version 1 does not define are ignored. The returned object is `value` itself, not a copy.
 *
 * @param value - The parsed JSON data of an {@link AGREEMENT_MIME_TYPE} output.
 * @throws TypeError when a field is missing or has the wrong kind of value, including null where
 * the kernel had NaN.
 * @throws RangeError when the version is unknown or a field has an invalid value, such as a
 * top-1 agreement above 1 or a minimum cosine above the mean.
 */
export function validateAgreementPayload(value: unknown): AgreementPayload {
  const payload = expectRecord(value, "payload");

  // Check the version first: a payload of another version may differ in every other field.
  const version = expectFiniteNumber(payload["version"], "payload.version");
  if (version !== AGREEMENT_PAYLOAD_VERSION) {
    throw new RangeError(
      `payload.version is ${version}, but this extension renders version ` +
        `${AGREEMENT_PAYLOAD_VERSION} only. Install the dnaquant-jupyterlab release that ` +
        `matches your dnaquant kernel package.`,
    );
  }

  expectString(payload["model"], "payload.model");
  const rows = expectArray(payload["rows"], "payload.rows");
  rows.forEach((row, index) => validateRow(row, `payload.rows[${index}]`));

  return value as AgreementPayload;
}

/** Validates one entry of `payload.rows`. */
function validateRow(value: unknown, path: string): void {
  const row = expectRecord(value, path);

  const scheme = expectString(row["scheme"], `${path}.scheme`);
  if (scheme === "") {
    throw new RangeError(`${path}.scheme must not be empty.`);
  }
  expectNonNegativeInteger(row["sequences"], `${path}.sequences`);

  // Embedding cosines: each in [-1, 1], and the minimum not above the mean.
  const meanCosine = readOptionalCosine(row, "meanCosine", path);
  const minCosine = readOptionalCosine(row, "minCosine", path);
  if (meanCosine !== undefined && minCosine !== undefined && minCosine > meanCosine + COSINE_TOLERANCE) {
    throw new RangeError(
      `${path}.minCosine (${minCosine}) must not be greater than ${path}.meanCosine (${meanCosine}).`,
    );
  }

  // Output distributions: a share in [0, 1] and a divergence of 0 or more.
  if (row["top1Agreement"] !== undefined) {
    const top1 = expectFiniteNumber(row["top1Agreement"], `${path}.top1Agreement`);
    if (top1 < 0 || top1 > 1) {
      throw new RangeError(`${path}.top1Agreement must be in [0, 1], but it is ${top1}.`);
    }
  }
  if (row["meanKl"] !== undefined) {
    const meanKl = expectFiniteNumber(row["meanKl"], `${path}.meanKl`);
    if (meanKl < -KL_TOLERANCE) {
      throw new RangeError(`${path}.meanKl must be 0 or more (nats), but it is ${meanKl}.`);
    }
  }

  // Counts and the footprint.
  if (row["maskedPositions"] !== undefined) {
    expectNonNegativeInteger(row["maskedPositions"], `${path}.maskedPositions`);
  }
  if (row["footprintBytes"] !== undefined) {
    expectNonNegativeInteger(row["footprintBytes"], `${path}.footprintBytes`);
  }

  const warnings = expectArray(row["warnings"], `${path}.warnings`);
  warnings.forEach((warning, index) => expectString(warning, `${path}.warnings[${index}]`));
}

/** Reads an optional cosine field of a row and checks that it lies in [-1, 1]. */
function readOptionalCosine(row: UncheckedRecord, field: string, path: string): number | undefined {
  if (row[field] === undefined) {
    return undefined;
  }

  const cosine = expectFiniteNumber(row[field], `${path}.${field}`);
  if (Math.abs(cosine) > 1 + COSINE_TOLERANCE) {
    throw new RangeError(`${path}.${field} must be in [-1, 1], but it is ${cosine}.`);
  }
  return cosine;
}
