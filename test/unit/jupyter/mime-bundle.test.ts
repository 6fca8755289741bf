import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { MIME_BUNDLE_METHOD } from "../../../kernel/src/jupyter/display-channel";
import {
  executeResultBundle,
  isJsonMimeType,
  normalizeDisplayBundle,
  normalizeMimeData,
} from "../../../kernel/src/jupyter/executor/mime-bundle";

const WEIGHTS_MIME = "application/vnd.dnaquant.weights+json";

function assertTypeError(action: () => unknown, pattern: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected TypeError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("executor/mime-bundle", () => {
  describe("isJsonMimeType", () => {
    it("should match +json and application/json only", () => {
      assert.equal(isJsonMimeType(WEIGHTS_MIME), true);
      assert.equal(isJsonMimeType("application/json"), true);
      assert.equal(isJsonMimeType("application/vnd.plotly.v1+json"), true);
      assert.equal(isJsonMimeType("text/plain"), false);
      assert.equal(isJsonMimeType("application/javascript"), false);
    });
  });

  describe("normalizeMimeData", () => {
    it("should keep JSON objects and parse JSON strings", () => {
      const payload = { version: 1, layers: [{ name: "a" }] };
      const data = normalizeMimeData({ [WEIGHTS_MIME]: payload, "application/json": '{"n":1}' }, "test");
      assert.deepEqual(data[WEIGHTS_MIME], payload);
      assert.deepEqual(data["application/json"], { n: 1 });
    });

    it("should encode bytes as base64", () => {
      const bytes = new Uint8Array([137, 80, 78, 71]);
      assert.equal(normalizeMimeData({ "image/png": bytes }, "test")["image/png"], "iVBORw==");
      const view = new Uint8Array([0, 137, 80, 78, 71, 0]).subarray(1, 5);
      assert.equal(normalizeMimeData({ "image/png": view }, "test")["image/png"], "iVBORw==");
    });

    it("should name the MIME type of an invalid JSON string", () => {
      assertTypeError(() => normalizeMimeData({ [WEIGHTS_MIME]: "{oops" }, "display_data"), /display_data: data\["application\/vnd\.dnaquant\.weights\+json"\] is a string that is not valid JSON/);
    });

    it("should reject keys that are not MIME types", () => {
      assertTypeError(() => normalizeMimeData({ plain: "x" }, "display_data"), /"plain" is not a MIME type/);
    });

    it("should reject non-string text values", () => {
      assertTypeError(() => normalizeMimeData({ "text/html": 42 }, "display_data"), /data\["text\/html"\] must be a string or a Uint8Array, got number 42/);
    });

    it("should reject data that is not an object", () => {
      assertTypeError(() => normalizeMimeData("text", "display_data"), /data must be an object keyed by MIME type, got string/);
      assertTypeError(() => normalizeMimeData(null, "display_data"), /got null/);
    });
  });

  describe("normalizeDisplayBundle", () => {
    it("should fill metadata and transient", () => {
      const content = normalizeDisplayBundle({ data: { "text/plain": "x" } }, false);
      assert.deepEqual(content, { data: { "text/plain": "x" }, metadata: {}, transient: {} });
    });

    it("should keep display_id", () => {
      const content = normalizeDisplayBundle({ data: { "text/plain": "x" }, transient: { display_id: "d1" } }, true);
      assert.deepEqual(content.transient, { display_id: "d1" });
    });

    it("should require display_id for updates", () => {
      assertTypeError(() => normalizeDisplayBundle({ data: { "text/plain": "x" } }, true), /update_display_data: an update needs bundle\.transient\.display_id/);
    });

    it("should reject a bundle JSON cannot encode", () => {
      assertTypeError(() => normalizeDisplayBundle({ data: { [WEIGHTS_MIME]: { size: 1n } } }, false), /cannot be encoded as JSON/);
    });

    it("should reject a bundle that is not an object", () => {
      assertTypeError(() => normalizeDisplayBundle(undefined, false), /display_data: the bundle must be an object with "data", got undefined/);
    });
  });

  describe("executeResultBundle", () => {
    it("should inspect plain values without colors", () => {
      assert.deepEqual(executeResultBundle(2), { data: { "text/plain": "2" }, metadata: {} });
      assert.deepEqual(executeResultBundle("a"), { data: { "text/plain": "'a'" }, metadata: {} });
      assert.deepEqual(executeResultBundle({ a: [1, 2] }), { data: { "text/plain": "{ a: [ 1, 2 ] }" }, metadata: {} });
    });

    it("should use the value's own bundle", () => {
      const payload = { version: 1, layers: [] };
      const value = {
        [MIME_BUNDLE_METHOD]: () => ({ data: { [WEIGHTS_MIME]: payload, "text/plain": "weights" }, metadata: { [WEIGHTS_MIME]: { expanded: true } } }),
      };
      assert.deepEqual(executeResultBundle(value), {
        data: { [WEIGHTS_MIME]: payload, "text/plain": "weights" },
        metadata: { [WEIGHTS_MIME]: { expanded: true } },
      });
    });

    it("should add text/plain to a bundle without it", () => {
      class Report {
        readonly layers = 3;
        [MIME_BUNDLE_METHOD]() {
          return { data: { [WEIGHTS_MIME]: { layers: this.layers } } };
        }
      }
      const bundle = executeResultBundle(new Report());
      assert.deepEqual(bundle.data[WEIGHTS_MIME], { layers: 3 });
      assert.match(bundle.data["text/plain"] as string, /^Report \{/);
    });

    it("should reject a method that returns no bundle", () => {
      assertTypeError(() => executeResultBundle({ [MIME_BUNDLE_METHOD]: () => "nope" }), /dnaquant\.mimeBundle.*must be an object with "data", got string/);
    });
  });
});
