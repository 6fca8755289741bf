/**
 * Readers for request content fields. Clients are not trusted to send well-typed content, so
 * each reader checks the type and throws a TypeError naming the message type and field,
 * which the dispatcher turns into an error reply.
 */

type Content = Record<string, unknown>;

/** Reads a string field, or returns `fallback` when the field is absent. */
export function readString(content: Content, field: string, msgType: string, fallback?: string): string {
  const value = content[field] ?? fallback;
  if (typeof value !== "string") {
    throw invalidField(msgType, field, "a string", value);
  }
  return value;
}

/** Reads a boolean field, or returns `fallback` when the field is absent. */
export function readBoolean(content: Content, field: string, msgType: string, fallback: boolean): boolean {
  const value = content[field] ?? fallback;
  if (typeof value !== "boolean") {
    throw invalidField(msgType, field, "a boolean", value);
  }
  return value;
}

/** Reads a non-negative integer field, or returns `fallback` when the field is absent. */
export function readNonNegativeInteger(content: Content, field: string, msgType: string, fallback: number): number {
  const value = content[field] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw invalidField(msgType, field, "a non-negative integer", value);
  }
  return value;
}

function invalidField(msgType: string, field: string, expected: string, value: unknown): TypeError {
  const actual = value === undefined ? "nothing" : JSON.stringify(value);
  return new TypeError(`Invalid ${msgType}: content.${field} must be ${expected}, got ${actual}.`);
}
