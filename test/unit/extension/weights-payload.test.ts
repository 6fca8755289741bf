import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { describeValue, readMimeData } from "../../../extension/src/common/payload-checks";
import {
  WEIGHTS_MIME_TYPE as KERNEL_WEIGHTS_MIME_TYPE,
  WEIGHTS_PAYLOAD_VERSION as KERNEL_WEIGHTS_PAYLOAD_VERSION,
} from "../../../kernel/src/display/payloads";
import {
  validateWeightsPayload,
  WEIGHTS_MIME_TYPE,
  WEIGHTS_PAYLOAD_VERSION,
} from "../../../extension/src/weights/payload";
import { cloneAsJson, makeWeightsPayload } from "./fixtures";
import { itRejectsInvalidPayloads, type InvalidCase } from "./payload-validation";

const INVALID_CASES: InvalidCase[] = [
  {
    name: "null payload",
    breakPayload: () => null,
    errorType: TypeError,
    expectedText: "payload must be a JSON object",
  },
  {
    name: "array payload",
    breakPayload: () => [],
    errorType: TypeError,
    expectedText: "payload must be a JSON object",
  },
  {
    name: "missing version",
    breakPayload: (payload) => {
      delete payload.version;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.version",
  },
  {
    name: "version as a string",
    breakPayload: (payload) => ({ ...payload, version: "1" }),
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
    name: "scheme as a number",
    breakPayload: (payload) => ({ ...payload, scheme: 4 }),
    errorType: TypeError,
    expectedText: "payload.scheme",
  },
  {
    name: "layers as an object",
    breakPayload: (payload) => ({ ...payload, layers: {} }),
    errorType: TypeError,
    expectedText: "payload.layers",
  },
  {
    name: "layer as a string",
    breakPayload: (payload) => ({ ...payload, layers: ["/layers.0/Wqkv/MatMul"] }),
    errorType: TypeError,
    expectedText: "payload.layers[0]",
  },
  {
    name: "missing layer name",
    breakPayload: (payload) => {
      delete payload.layers[1].name;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[1].name",
  },
  {
    name: "negative shape entry",
    breakPayload: (payload) => {
      payload.layers[0].shape = [-1, 768];
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].shape[0]",
  },
  {
    name: "missing statistics",
    breakPayload: (payload) => {
      delete payload.layers[0].statistics;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[0].statistics",
  },
  {
    name: "NaN mean sent as null",
    breakPayload: (payload) => {
      payload.layers[0].statistics.mean = null;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[0].statistics.mean",
  },
  {
    name: "fractional element count",
    breakPayload: (payload) => {
      payload.layers[0].statistics.count = 2.5;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].statistics.count",
  },
  {
    name: "minimum above maximum",
    breakPayload: (payload) => {
      payload.layers[0].statistics.min = 1;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].statistics.min",
  },
  {
    name: "negative standard deviation",
    breakPayload: (payload) => {
      payload.layers[0].statistics.std = -0.1;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].statistics.std",
  },
  {
    name: "missing histogram",
    breakPayload: (payload) => {
      delete payload.layers[1].histogram;
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[1].histogram",
  },
  {
    name: "edge count not bins + 1",
    breakPayload: (payload) => {
      payload.layers[1].histogram.edges = [-1, 0, 0.5, 1];
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[1].histogram.edges",
  },
  {
    name: "repeated edge",
    breakPayload: (payload) => {
      payload.layers[0].histogram.edges = [-0.5, -0.25, -0.25, 0.25, 0.5];
      return payload;
    },
    errorType: RangeError,
    expectedText: "edges[2] = -0.25",
  },
  {
    name: "edge as a string",
    breakPayload: (payload) => {
      payload.layers[0].histogram.edges[3] = "0.25";
      return payload;
    },
    errorType: TypeError,
    expectedText: "payload.layers[0].histogram.edges[3]",
  },
  {
    name: "negative bin count",
    breakPayload: (payload) => {
      payload.layers[0].histogram.counts[2] = -3;
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].histogram.counts[2]",
  },
  {
    name: "empty histogram",
    breakPayload: (payload) => {
      payload.layers[0].histogram = { edges: [0], counts: [] };
      return payload;
    },
    errorType: RangeError,
    expectedText: "payload.layers[0].histogram.counts",
  },
];

describe("dnaquant-jupyterlab", () => {
  describe("WEIGHTS_MIME_TYPE", () => {
    it("should equal the kernel's constants", () => {
      assert.equal(WEIGHTS_MIME_TYPE, KERNEL_WEIGHTS_MIME_TYPE);
      assert.equal(WEIGHTS_PAYLOAD_VERSION, KERNEL_WEIGHTS_PAYLOAD_VERSION);
    });
  });

  describe("validateWeightsPayload", () => {
    it("should return a valid payload unchanged", () => {
      const payload = makeWeightsPayload();

      const validated = validateWeightsPayload(payload);

      assert.equal(validated, payload);
    });

    it("should accept a payload without layers", () => {
      const payload = { ...makeWeightsPayload(), layers: [] };

      assert.deepEqual(validateWeightsPayload(payload).layers, []);
    });

    it("should ignore fields version 1 does not define", () => {
      const payload = { ...cloneAsJson(makeWeightsPayload()), generatedBy: "dnaquant 0.2" };

      assert.doesNotThrow(() => validateWeightsPayload(payload));
    });

    itRejectsInvalidPayloads(validateWeightsPayload, makeWeightsPayload, INVALID_CASES);
  });

  describe("readMimeData", () => {
    it("should return an object unchanged", () => {
      const data = { version: 1 };

      assert.equal(readMimeData(data, "payload"), data);
    });

    it("should parse a JSON string", () => {
      const payload = makeWeightsPayload();

      const parsed = readMimeData(JSON.stringify(payload), "payload");

      assert.deepEqual(parsed, payload);
      assert.doesNotThrow(() => validateWeightsPayload(parsed));
    });

    it("should reject a string that is not JSON", () => {
      assert.throws(() => readMimeData("{version: 1", "payload"), (error: unknown) => {
        assert.ok(error instanceof TypeError, `expected TypeError, got ${String(error)}`);
        assert.match(error.message, /^payload is a string that is not valid JSON/);
        return true;
      });
    });
  });

  describe("describeValue", () => {
    it("should name missing and null values", () => {
      assert.equal(describeValue(undefined), "missing");
      assert.equal(describeValue(null), "null");
    });

    it("should shorten long strings", () => {
      const description = describeValue("x".repeat(200));

      assert.ok(description.length < 80, `description has ${description.length} characters`);
      assert.ok(description.endsWith('…"'), `description ends with ${description.slice(-3)}`);
    });

    it("should give an array's length", () => {
      assert.equal(describeValue([1, 2, 3]), "an array of length 3");
    });
  });
});
