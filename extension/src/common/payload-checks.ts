/**
 * Checks shared by the payload validators of every renderer.
 *
 * Each check throws a TypeError when a value has the wrong kind and a RangeError when it has the
 * right kind but an invalid value. Messages name the field by its path in the payload, such as
 * `payload.layers[2].histogram.edges`, and echo the value that was found.
 *
 * This module uses no DOM API so that Node's test runner can import it.
 */

/** JSON object whose fields are not checked yet. */
export type UncheckedRecord = Readonly<Record<string, unknown>>;

/** Maximum length of a string echoed in an error message, in characters. */
const MAX_ECHOED_STRING_LENGTH = 60;

/**
 * Describes a value for an error message: its kind, and its value for short scalars.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "missing";
  }
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return `an array of length ${value.length}`;
  }
  if (typeof value === "string") {
    const echoed =
      value.length > MAX_ECHOED_STRING_LENGTH
        ? `${value.slice(0, MAX_ECHOED_STRING_LENGTH)}…`
        : value;
    return `the string ${JSON.stringify(echoed)}`;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return `a value of type ${typeof value}`;
}

/**
 * Reads the data of one MIME type from an output bundle.
 *
 * A `+json` MIME type normally carries a JSON object, but some kernels (tslab's
 * `display.raw`, for one) send the JSON text as a string. A string is therefore parsed here.
 *
 * @throws TypeError when the data is a string that is not valid JSON.
 */
export function readMimeData(data: unknown, path: string): unknown {
  if (typeof data !== "string") {
    return data;
  }

  try {
    return JSON.parse(data) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${path} is a string that is not valid JSON (${reason}).`);
  }
}

/** Checks that `value` is a JSON object (not null, not an array). */
export function expectRecord(value: unknown, path: string): UncheckedRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${path} must be a JSON object, but it is ${describeValue(value)}.`);
  }
  return value as UncheckedRecord;
}

/** Checks that `value` is an array. Its elements stay unchecked. */
export function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${path} must be an array, but it is ${describeValue(value)}.`);
  }
  return value;
}

/** Checks that `value` is a string. */
export function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`${path} must be a string, but it is ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Checks that `value` is a finite number.
 *
 * JSON has no NaN or Infinity, and JSON.stringify writes them as null, so a kernel-side NaN
 * arrives here as null and is rejected with that value named.
 */
export function expectFiniteNumber(value: unknown, path: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`${path} must be a finite number, but it is ${describeValue(value)}.`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${path} must be a finite number, but it is ${value}.`);
  }
  return value;
}

/** Checks that `value` is an integer of 0 or more. */
export function expectNonNegativeInteger(value: unknown, path: string): number {
  const number = expectFiniteNumber(value, path);
  if (!Number.isInteger(number) || number < 0) {
    throw new RangeError(`${path} must be an integer of 0 or more, but it is ${number}.`);
  }
  return number;
}

/** Checks that `value` is an array of finite numbers. */
export function expectFiniteNumberArray(value: unknown, path: string): readonly number[] {
  const array = expectArray(value, path);
  array.forEach((element, index) => expectFiniteNumber(element, `${path}[${index}]`));
  return array as readonly number[];
}

/** Checks that `value` is an array of integers of 0 or more. */
export function expectNonNegativeIntegerArray(value: unknown, path: string): readonly number[] {
  const array = expectArray(value, path);
  array.forEach((element, index) => expectNonNegativeInteger(element, `${path}[${index}]`));
  return array as readonly number[];
}

/** Checks that `value` is a finite number of 0 or more. */
export function expectNonNegativeNumber(value: unknown, path: string): number {
  const number = expectFiniteNumber(value, path);
  if (number < 0) {
    throw new RangeError(`${path} must be 0 or more, but it is ${number}.`);
  }
  return number;
}

/**
 * Checks that `value` is a finite number or null. A payload writes null where the kernel had an
 * infinite value, because JSON has no Infinity.
 */
export function expectFiniteNumberOrNull(value: unknown, path: string): number | null {
  return value === null ? null : expectFiniteNumber(value, path);
}

/**
 * Validates a `Histogram`: at least one bin, `edges.length === counts.length + 1`, strictly
 * increasing edges and integer counts of 0 or more.
 */
export function validateHistogram(value: unknown, path: string): void {
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

/**
 * Returns whether `record` has its own property `key`, so that a scheme id such as
 * `constructor` does not find a member of Object.prototype.
 */
export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}
