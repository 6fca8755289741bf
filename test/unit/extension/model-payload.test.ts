import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  MODEL_MIME_TYPE as KERNEL_MODEL_MIME_TYPE,
  MODEL_PAYLOAD_VERSION as KERNEL_MODEL_PAYLOAD_VERSION,
} from "../../../kernel/src/display/payloads";
import { readMimeData } from "../../../extension/src/common/payload-checks";
import {
  MODEL_MIME_TYPE,
  MODEL_PAYLOAD_VERSION,
  validateModelPayload,
} from "../../../extension/src/model/payload";
import { cloneAsJson, makeHubModelPayload, makeModelPayload } from "./fixtures";
import { itRejectsInvalidPayloads, type InvalidCase } from "./payload-validation";

const INVALID_CASES: InvalidCase[] = [
  {
    name: "number payload",
    breakPayload: () => 42,
    errorType: TypeError,
    expectedText: "payload must be a JSON object, but it is 42",
  },
  {
    name: "missing version",
    breakPayload: (payload) => ({ ...payload, version: undefined }),
    errorType: TypeError,
    expectedText: "payload.version must be a finite number, but it is missing",
  },
  {
    name: "name as a number",
    breakPayload: (payload) => ({ ...payload, name: 7 }),
    errorType: TypeError,
    expectedText: "payload.name must be a string, but it is 7",
  },
  {
    name: "missing source",
    breakPayload: (payload) => ({ ...payload, source: undefined }),
    errorType: TypeError,
    expectedText: "payload.source must be a string",
  },
  {
    name: "missing file",
    breakPayload: (payload) => ({ ...payload, file: undefined }),
    errorType: TypeError,
    expectedText: "payload.file must be a string",
  },
  {
    name: "hub as a string",
    breakPayload: (payload) => ({ ...payload, hub: "example/tiny-dna" }),
    errorType: TypeError,
    expectedText: 'payload.hub must be a JSON object, but it is the string "example/tiny-dna"',
  },
  {
    name: "empty hub model id",
    breakPayload: (payload) => ({ ...payload, hub: { modelId: "", commit: "abc", downloaded: [] } }),
    errorType: RangeError,
    expectedText: "payload.hub.modelId must not be empty",
  },
  {
    name: "missing hub commit",
    breakPayload: (payload) => ({ ...payload, hub: { modelId: "a/b", downloaded: [] } }),
    errorType: TypeError,
    expectedText: "payload.hub.commit must be a string, but it is missing",
  },
  {
    name: "downloaded file as a number",
    breakPayload: (payload) => ({ ...payload, hub: { modelId: "a/b", commit: "abc", downloaded: [1] } }),
    errorType: TypeError,
    expectedText: "payload.hub.downloaded[0] must be a string",
  },
  {
    name: "empty scheme",
    breakPayload: (payload) => ({ ...payload, scheme: "" }),
    errorType: RangeError,
    expectedText: "payload.scheme must not be empty",
  },
  {
    name: "block size of 0",
    breakPayload: (payload) => ({ ...payload, blockSize: 0 }),
    errorType: RangeError,
    expectedText: "payload.blockSize must be 1 or more, but it is 0",
  },
  {
    name: "layers as an object",
    breakPayload: (payload) => ({ ...payload, layers: { count: 3 } }),
    errorType: TypeError,
    expectedText: "payload.layers must be an array",
  },
  {
    name: "negative shape entry",
    breakPayload: (payload) => {
      payload.layers[1].shape = [512, -128];
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[1].shape[1] must be an integer of 0 or more, but it is -128",
  },
  {
    name: "missing layer scheme",
    breakPayload: (payload) => {
      delete payload.layers[0].scheme;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[0].scheme must be a string, but it is missing",
  },
  {
    name: "fractional stored bytes",
    breakPayload: (payload) => {
      payload.layers[2].storedBytes = 10.5;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[2].storedBytes must be an integer of 0 or more, but it is 10.5",
  },
  {
    name: "missing fp32 bytes",
    breakPayload: (payload) => {
      delete payload.layers[2].fp32Bytes;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[2].fp32Bytes",
  },
  {
    name: "missing skipped list",
    breakPayload: (payload) => ({ ...payload, skipped: undefined }),
    errorType: TypeError,
    expectedText: "payload.skipped must be an array, but it is missing",
  },
  {
    name: "skipped node without a reason",
    breakPayload: (payload) => {
      delete payload.skipped[0].reason;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.skipped[0].reason must be a string, but it is missing",
  },
  {
    name: "missing footprint",
    breakPayload: (payload) => ({ ...payload, footprint: undefined }),
    errorType: TypeError,
    expectedText: "payload.footprint must be a JSON object, but it is missing",
  },
  {
    name: "negative footprint part",
    breakPayload: (payload) => {
      payload.footprint.unquantizedBytes = -1;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.footprint.unquantizedBytes must be an integer of 0 or more, but it is -1",
  },
  {
    name: "missing linear stored bytes",
    breakPayload: (payload) => {
      delete payload.footprint.linearStoredBytes;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.footprint.linearStoredBytes",
  },
  {
    name: "total that is not the sum of its parts",
    breakPayload: (payload) => {
      payload.footprint.totalBytes += 1;
      return payload;
    },
    errorType: RangeError,
    expectedText:
      "payload.footprint.totalBytes (96257) must be the sum of quantizedWeightBytes, " +
      "quantizationMetadataBytes and unquantizedBytes (96256)",
  },
  {
    name: "negative load time",
    breakPayload: (payload) => ({ ...payload, loadSeconds: -0.5 }),
    errorType: RangeError,
    expectedText: "payload.loadSeconds must be 0 or more, but it is -0.5",
  },
];

describe("dnaquant-jupyterlab", () => {
  describe("MODEL_MIME_TYPE", () => {
    it("should equal the kernel's constants", () => {
      assert.equal(MODEL_MIME_TYPE, KERNEL_MODEL_MIME_TYPE);
      assert.equal(MODEL_PAYLOAD_VERSION, KERNEL_MODEL_PAYLOAD_VERSION);
    });
  });

  describe("validateModelPayload", () => {
    it("should return a valid payload unchanged", () => {
      const payload = makeModelPayload();

      assert.equal(validateModelPayload(payload), payload);
    });

    it("should accept a hub model", () => {
      assert.doesNotThrow(() => validateModelPayload(makeHubModelPayload()));
    });

    it("should accept an fp32 model without block size or layers", () => {
      const payload = cloneAsJson(makeModelPayload());
      payload.scheme = "fp32";
      delete payload.blockSize;
      payload.layers = [];
      payload.skipped = [];

      assert.doesNotThrow(() => validateModelPayload(payload));
    });

    it("should parse the JSON string of a kernel that sends text", () => {
      const parsed = readMimeData(JSON.stringify(makeHubModelPayload()), "payload");

      assert.deepEqual(validateModelPayload(parsed), makeHubModelPayload());
    });

    itRejectsInvalidPayloads(validateModelPayload, makeModelPayload, INVALID_CASES);
  });
});
