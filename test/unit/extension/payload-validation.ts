/** Test cases shared by the validators of every payload type. */

import assert from "node:assert/strict";
import { it } from "node:test";

import { cloneAsJson } from "./fixtures";

/** One malformed payload: how to break a valid one, and the error it must raise. */
export interface InvalidCase {
  name: string;
  breakPayload: (payload: Record<string, any>) => unknown;
  errorType: typeof TypeError | typeof RangeError;
  /** Text that the message must contain, usually the path of the invalid field. */
  expectedText: string;
}

/**
 * Registers the tests that `validate` rejects a payload of an unknown version and each of
 * `cases`, broken from a fresh copy of `makePayload()`, with the expected error type and text.
 */
export function itRejectsInvalidPayloads(validate: (payload: unknown) => unknown, makePayload: () => object, cases: readonly InvalidCase[]): void {
  it("should reject an unknown version", () => {
    const payload = { ...cloneAsJson(makePayload()), version: 2 };

    assert.throws(() => validate(payload), (error: unknown) => {
      assert.ok(error instanceof RangeError, `expected RangeError, got ${String(error)}`);
      assert.match(error.message, /payload\.version is 2/);
      assert.match(error.message, /renders version 1 only/);
      return true;
    });
  });

  for (const { name, breakPayload, errorType, expectedText } of cases) {
    it(`should reject ${name}`, () => {
      const payload = breakPayload(cloneAsJson(makePayload()));

      assert.throws(() => validate(payload), (error: unknown) => {
        assert.ok(error instanceof errorType, `expected ${errorType.name}, got ${String(error)}`);
        assert.ok(
          error.message.includes(expectedText),
          `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(expectedText)}`,
        );
        return true;
      });
    });
  }
}
