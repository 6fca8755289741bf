import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ERROR_MIME_TYPE as KERNEL_ERROR_MIME_TYPE,
  ERROR_PAYLOAD_VERSION as KERNEL_ERROR_PAYLOAD_VERSION,
} from "../../../kernel/src/display/payloads";
import { readMimeData } from "../../../extension/src/common/payload-checks";
import {
  ERROR_MIME_TYPE,
  ERROR_PAYLOAD_VERSION,
  validateErrorPayload,
} from "../../../extension/src/error/payload";
import { cloneAsJson, makeErrorPayload } from "./fixtures";
import { itRejectsInvalidPayloads, type InvalidCase } from "./payload-validation";

const INVALID_CASES: InvalidCase[] = [
  {
    name: "null payload",
    breakPayload: () => null,
    errorType: TypeError,
    expectedText: "payload must be a JSON object",
  },
  {
    name: "missing version",
    breakPayload: (payload) => ({ ...payload, version: undefined }),
    errorType: TypeError,
    expectedText: "payload.version",
  },
  {
    name: "missing model",
    breakPayload: (payload) => ({ ...payload, model: undefined }),
    errorType: TypeError,
    expectedText: "payload.model",
  },
  {
    name: "schemes as an object",
    breakPayload: (payload) => ({ ...payload, schemes: {} }),
    errorType: TypeError,
    expectedText: "payload.schemes",
  },
  {
    name: "scheme id as a number",
    breakPayload: (payload) => {
      payload.schemes[1].id = 4;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.schemes[1].id",
  },
  {
    name: "empty scheme id",
    breakPayload: (payload) => {
      payload.schemes[0].id = "";
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.schemes[0].id must not be empty",
  },
  {
    name: "repeated scheme id",
    breakPayload: (payload) => {
      payload.schemes[1].id = "int8-row";
      return payload;
    },
    errorType: RangeError,
    expectedText: 'payload.schemes[1].id "int8-row" repeats the id of payload.schemes[0]',
  },
  {
    name: "missing scheme label",
    breakPayload: (payload) => {
      delete payload.schemes[0].label;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.schemes[0].label",
  },
  {
    name: "zero block size",
    breakPayload: (payload) => {
      payload.schemes[1].blockSize = 0;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.schemes[1].blockSize",
  },
  {
    name: "negative bits per weight",
    breakPayload: (payload) => {
      payload.schemes[0].bitsPerWeight = -8;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.schemes[0].bitsPerWeight",
  },
  {
    name: "layers as a string",
    breakPayload: (payload) => ({ ...payload, layers: "all" }),
    errorType: TypeError,
    expectedText: "payload.layers",
  },
  {
    name: "missing weight histogram",
    breakPayload: (payload) => {
      delete payload.layers[2].weightHistogram;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[2].weightHistogram",
  },
  {
    name: "metrics as an array",
    breakPayload: (payload) => {
      payload.layers[0].metrics = [];
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[0].metrics",
  },
  {
    name: "negative MSE",
    breakPayload: (payload) => {
      payload.layers[1].metrics["nf4-64"].mse = -1;
      return payload;
    },
    errorType: RangeError,
    expectedText: 'payload.layers[1].metrics["nf4-64"].mse',
  },
  {
    name: "relative MSE as a string",
    breakPayload: (payload) => {
      payload.layers[1].metrics["int8-row"].relativeMse = "0.01";
      return payload;
    },
    errorType: TypeError,
    expectedText: 'payload.layers[1].metrics["int8-row"].relativeMse',
  },
  {
    name: "negative relative MSE",
    breakPayload: (payload) => {
      payload.layers[1].metrics["int8-row"].relativeMse = -0.5;
      return payload;
    },
    errorType: RangeError,
    expectedText: 'payload.layers[1].metrics["int8-row"].relativeMse',
  },
  {
    name: "missing max error",
    breakPayload: (payload) => {
      delete payload.layers[0].metrics["nf4-64"].maxAbsError;
      return payload;
    },
    errorType: TypeError,
    expectedText: 'payload.layers[0].metrics["nf4-64"].maxAbsError',
  },
  {
    name: "error histogram with too few edges",
    breakPayload: (payload) => {
      payload.layers[2].errorHistograms["nf4-64"].edges = [0, 1];
      return payload;
    },
    errorType: RangeError,
    expectedText: 'payload.layers[2].errorHistograms["nf4-64"].edges',
  },
];

describe("dnaquant-jupyterlab", () => {
  describe("ERROR_MIME_TYPE", () => {
    it("should equal the kernel's constants", () => {
      assert.equal(ERROR_MIME_TYPE, KERNEL_ERROR_MIME_TYPE);
      assert.equal(ERROR_PAYLOAD_VERSION, KERNEL_ERROR_PAYLOAD_VERSION);
    });
  });

  describe("validateErrorPayload", () => {
    it("should return a valid payload unchanged", () => {
      const payload = makeErrorPayload();

      assert.equal(validateErrorPayload(payload), payload);
    });

    it("should accept null for infinite ratios", () => {
      const payload = cloneAsJson(makeErrorPayload());
      payload.layers[0].metrics["int8-row"].sqnrDb = null;
      payload.layers[1].metrics["nf4-64"].relativeMse = null;

      assert.doesNotThrow(() => validateErrorPayload(payload));
    });

    it("should accept a layer without some scheme's results", () => {
      const payload = cloneAsJson(makeErrorPayload());
      delete payload.layers[0].metrics["nf4-64"];
      delete payload.layers[0].errorHistograms["int8-row"];

      assert.doesNotThrow(() => validateErrorPayload(payload));
    });

    it("should ignore entries of unknown schemes", () => {
      const payload = cloneAsJson(makeErrorPayload());
      payload.layers[0].metrics["int4-32"] = "not checked";
      payload.layers[0].errorHistograms.constructor = "not checked";

      assert.doesNotThrow(() => validateErrorPayload(payload));
    });

    it("should not take an inherited member for a scheme's metrics", () => {
      const payload = cloneAsJson(makeErrorPayload());
      payload.schemes[0].id = "constructor";

      assert.doesNotThrow(() => validateErrorPayload(payload));
    });

    it("should parse the JSON string of a kernel that sends text", () => {
      const parsed = readMimeData(JSON.stringify(makeErrorPayload()), "payload");

      assert.deepEqual(validateErrorPayload(parsed), makeErrorPayload());
    });

    itRejectsInvalidPayloads(validateErrorPayload, makeErrorPayload, INVALID_CASES);
  });
});
