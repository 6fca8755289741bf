import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { codePointsToUtf16, utf16ToCodePoints } from "../../../kernel/src/jupyter/protocol/positions";

describe("protocol/positions", () => {
  // "🧬" is one code point and two UTF-16 code units, and "é" is one of each.
  const text = "a🧬é🧬b";

  describe("codePointsToUtf16", () => {
    it("should count surrogate pairs as one code point", () => {
      const expected = [0, 1, 3, 4, 6, 7];
      for (let codePoints = 0; codePoints < expected.length; codePoints++) {
        assert.equal(codePointsToUtf16(text, codePoints), expected[codePoints], `code point ${codePoints}`);
      }
    });

    it("should clamp offsets outside the text", () => {
      assert.equal(codePointsToUtf16(text, 99), text.length);
      assert.equal(codePointsToUtf16(text, -1), 0);
      assert.equal(codePointsToUtf16("", 3), 0);
    });
  });

  describe("utf16ToCodePoints", () => {
    it("should invert codePointsToUtf16", () => {
      for (let codePoints = 0; codePoints <= 5; codePoints++) {
        assert.equal(utf16ToCodePoints(text, codePointsToUtf16(text, codePoints)), codePoints);
      }
    });

    it("should count a split surrogate pair once", () => {
      assert.equal(utf16ToCodePoints(text, 2), 2);
    });

    it("should equal the UTF-16 offset for BMP text", () => {
      assert.equal(utf16ToCodePoints("const x = 1", 7), 7);
    });
  });
});
