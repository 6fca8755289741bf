import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  AGREEMENT_MIME_TYPE as KERNEL_AGREEMENT_MIME_TYPE,
  AGREEMENT_PAYLOAD_VERSION as KERNEL_AGREEMENT_PAYLOAD_VERSION,
} from "../../../kernel/src/display/payloads";
import {
  AGREEMENT_MIME_TYPE,
  AGREEMENT_PAYLOAD_VERSION,
  validateAgreementPayload,
} from "../../../extension/src/agreement/payload";
import { readMimeData } from "../../../extension/src/common/payload-checks";
import { cloneAsJson, makeAgreementPayload } from "./fixtures";
import { itRejectsInvalidPayloads, type InvalidCase } from "./payload-validation";

const INVALID_CASES: InvalidCase[] = [
  {
    name: "array payload",
    breakPayload: () => [],
    errorType: TypeError,
    expectedText: "payload must be a JSON object, but it is an array of length 0",
  },
  {
    name: "version as a string",
    breakPayload: (payload) => ({ ...payload, version: "1" }),
    errorType: TypeError,
    expectedText: 'payload.version must be a finite number, but it is the string "1"',
  },
  {
    name: "missing model",
    breakPayload: (payload) => ({ ...payload, model: undefined }),
    errorType: TypeError,
    expectedText: "payload.model must be a string, but it is missing",
  },
  {
    name: "rows as an object",
    breakPayload: (payload) => ({ ...payload, rows: {} }),
    errorType: TypeError,
    expectedText: "payload.rows must be an array",
  },
  {
    name: "row as a string",
    breakPayload: (payload) => {
      payload.rows[1] = "nf4";
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.rows[1] must be a JSON object",
  },
  {
    name: "empty scheme",
    breakPayload: (payload) => {
      payload.rows[0].scheme = "";
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].scheme must not be empty",
  },
  {
    name: "fractional sequence count",
    breakPayload: (payload) => {
      payload.rows[0].sequences = 2.5;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].sequences must be an integer of 0 or more, but it is 2.5",
  },
  {
    name: "null mean cosine (NaN in the kernel)",
    breakPayload: (payload) => {
      payload.rows[1].meanCosine = null;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.rows[1].meanCosine must be a finite number, but it is null",
  },
  {
    name: "cosine above 1",
    breakPayload: (payload) => {
      payload.rows[1].meanCosine = 1.5;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[1].meanCosine must be in [-1, 1], but it is 1.5",
  },
  {
    name: "cosine below -1",
    breakPayload: (payload) => {
      payload.rows[0].minCosine = -1.01;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].minCosine must be in [-1, 1], but it is -1.01",
  },
  {
    name: "minimum cosine above the mean",
    breakPayload: (payload) => {
      payload.rows[0].minCosine = 0.999;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].minCosine (0.999) must not be greater than payload.rows[0].meanCosine",
  },
  {
    name: "top-1 agreement in percent",
    breakPayload: (payload) => {
      payload.rows[1].top1Agreement = 95;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[1].top1Agreement must be in [0, 1], but it is 95",
  },
  {
    name: "negative KL divergence",
    breakPayload: (payload) => {
      payload.rows[0].meanKl = -0.01;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].meanKl must be 0 or more (nats), but it is -0.01",
  },
  {
    name: "negative masked positions",
    breakPayload: (payload) => {
      payload.rows[0].maskedPositions = -1;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.rows[0].maskedPositions",
  },
  {
    name: "footprint as a string",
    breakPayload: (payload) => {
      payload.rows[1].footprintBytes = "614 KiB";
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.rows[1].footprintBytes must be a finite number",
  },
  {
    name: "missing warnings",
    breakPayload: (payload) => {
      delete payload.rows[1].warnings;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.rows[1].warnings must be an array, but it is missing",
  },
  {
    name: "warning as an object",
    breakPayload: (payload) => {
      payload.rows[0].warnings = [{ message: "low" }];
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.rows[0].warnings[0] must be a string",
  },
];

describe("dnaquant-jupyterlab", () => {
  describe("AGREEMENT_MIME_TYPE", () => {
    it("should equal the kernel's constants", () => {
      assert.equal(AGREEMENT_MIME_TYPE, KERNEL_AGREEMENT_MIME_TYPE);
      assert.equal(AGREEMENT_PAYLOAD_VERSION, KERNEL_AGREEMENT_PAYLOAD_VERSION);
    });
  });

  describe("validateAgreementPayload", () => {
    it("should return a valid payload unchanged", () => {
      const payload = makeAgreementPayload();

      assert.equal(validateAgreementPayload(payload), payload);
    });

    it("should accept rows without any metric", () => {
      const payload = {
        version: 1,
        model: "classifier",
        rows: [{ scheme: "int8", sequences: 6, warnings: [] }],
      };

      assert.doesNotThrow(() => validateAgreementPayload(payload));
    });

    it("should accept two rows of the same scheme", () => {
      const payload = cloneAsJson(makeAgreementPayload());
      payload.rows[0].scheme = "nf4";

      assert.doesNotThrow(() => validateAgreementPayload(payload));
    });

    it("should accept an empty row list", () => {
      assert.doesNotThrow(() => validateAgreementPayload({ version: 1, model: "m", rows: [] }));
    });

    it("should accept rounding just outside the ranges", () => {
      const payload = cloneAsJson(makeAgreementPayload());
      payload.rows[1].meanCosine = 1 + 2e-16;
      payload.rows[1].minCosine = 1 + 4e-16;
      payload.rows[1].meanKl = -1e-17;

      assert.doesNotThrow(() => validateAgreementPayload(payload));
    });

    it("should parse the JSON string of a kernel that sends text", () => {
      const parsed = readMimeData(JSON.stringify(makeAgreementPayload()), "payload");

      assert.deepEqual(validateAgreementPayload(parsed), makeAgreementPayload());
    });

    itRejectsInvalidPayloads(validateAgreementPayload, makeAgreementPayload, INVALID_CASES);
  });
});
