import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createLogger, parseLogLevel } from "../../../kernel/src/jupyter/logger";

describe("logger", () => {
  describe("createLogger", () => {
    it("should drop messages below the level", () => {
      const lines: string[] = [];
      const logger = createLogger({ level: "warn", write: (line) => lines.push(line) });
      logger.error("e");
      logger.warn("w");
      logger.info("i");
      logger.debug(() => assert.fail("a filtered message must not be built"));

      assert.equal(lines.length, 2);
      assert.match(lines[0], /^\[dnaquant-kernel\] \d{4}-\d\d-\d\dT[\d:.]+Z ERROR e\n$/);
      assert.match(lines[1], / WARN w\n$/);
    });

    it("should append the error stack", () => {
      const lines: string[] = [];
      createLogger({ level: "debug", write: (line) => lines.push(line) }).error("failed", new TypeError("bad"));
      assert.match(lines[0], /ERROR failed\nTypeError: bad\n    at /);
    });

    it("should write nothing when silent", () => {
      const lines: string[] = [];
      createLogger({ level: "silent", write: (line) => lines.push(line) }).error("e");
      assert.deepEqual(lines, []);
    });
  });

  describe("parseLogLevel", () => {
    it("should accept names in any case", () => {
      assert.equal(parseLogLevel(" DEBUG ", "TEST"), "debug");
    });

    it("should name the source and the allowed levels", () => {
      assert.throws(
        () => parseLogLevel("verbose", "DNAQUANT_LOG_LEVEL"),
        (error: unknown) =>
          error instanceof RangeError &&
          error.message === 'Invalid log level "verbose" in DNAQUANT_LOG_LEVEL. Use one of: silent, error, warn, info, debug.',
      );
    });
  });
});
