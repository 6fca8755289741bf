import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildFootprintRows,
  buildLoadDetails,
  buildModelLayerRows,
  describeModelPayload,
  describeScheme,
  formatRatio,
  formatSeconds,
  MISSING_VALUE,
} from "../../../extension/src/model/summary";
import { makeHubModelPayload, makeModelPayload } from "./fixtures";

describe("dnaquant-jupyterlab", () => {
  describe("describeModelPayload", () => {
    it("should name scheme, quantized layers and total", () => {
      assert.equal(
        describeModelPayload(makeModelPayload()),
        "tiny-dna · nf4, block size 64 · 2 of 3 linear layers quantized · 94.00 KiB",
      );
    });

    it("should use the singular for one layer", () => {
      const payload = makeModelPayload();
      payload.layers = payload.layers.slice(0, 1);

      assert.match(describeModelPayload(payload), / · 1 of 1 linear layer quantized · /);
    });
  });

  describe("describeScheme", () => {
    it("should leave out a missing block size", () => {
      const payload = makeModelPayload();
      delete payload.blockSize;
      payload.scheme = "int8";

      assert.equal(describeScheme(payload), "int8");
    });
  });

  describe("buildLoadDetails", () => {
    it("should list a local model's details", () => {
      assert.deepEqual(
        buildLoadDetails(makeModelPayload()).map(({ label, value }) => [label, value]),
        [
          ["Name", "tiny-dna"],
          ["Scheme", "nf4"],
          ["Block size", "64 values"],
          ["Source", "/models/tiny-dna"],
          ["File", "/models/tiny-dna/model.onnx"],
          ["Load time", "250 ms"],
        ],
      );
    });

    it("should add the hub model id, commit and downloads", () => {
      const rows = buildLoadDetails(makeHubModelPayload());
      const byLabel = new Map(rows.map(({ label, value }) => [label, value]));

      assert.equal(byLabel.get("Hub model"), "example/tiny-dna");
      assert.equal(byLabel.get("Commit"), "0123456789abcdef0123456789abcdef01234567");
      assert.equal(byLabel.get("Downloaded"), "config.json, onnx/model.onnx");
      assert.deepEqual(
        rows.map((row) => row.label),
        ["Name", "Scheme", "Block size", "Source", "File", "Hub model", "Commit", "Downloaded", "Load time"],
      );
    });

    it("should say when a hub model came from the cache", () => {
      const payload = makeHubModelPayload();
      payload.hub!.downloaded = [];

      const downloaded = buildLoadDetails(payload).find((row) => row.label === "Downloaded");

      assert.equal(downloaded?.value, "nothing (all files were in the cache)");
    });

    it("should leave out the block size of a scheme without one", () => {
      const payload = makeModelPayload();
      delete payload.blockSize;

      assert.ok(!buildLoadDetails(payload).some((row) => row.label === "Block size"));
    });
  });

  describe("buildFootprintRows", () => {
    it("should give each part with its share of the total", () => {
      assert.deepEqual(
        buildFootprintRows(makeModelPayload()).map(({ label, value }) => [label, value]),
        [
          ["Total", "94.00 KiB"],
          ["Quantized codes", "56.00 KiB (59.6%)"],
          ["Quantization metadata", "7.00 KiB (7.4%)"],
          ["Unquantized tensors", "31.00 KiB (33.0%)"],
          ["Linear weights", "64.00 KiB stored, 449.00 KiB in fp32 (0.143× of fp32)"],
        ],
      );
    });

    it("should give exact byte counts as tooltips", () => {
      const rows = buildFootprintRows(makeModelPayload());

      assert.equal(rows[0].title, "96,256 bytes");
      assert.equal(rows[4].title, "65,536 of 459,776 bytes");
    });

    it("should leave out shares of an empty model", () => {
      const payload = makeModelPayload();
      payload.footprint = {
        totalBytes: 0,
        quantizedWeightBytes: 0,
        quantizationMetadataBytes: 0,
        unquantizedBytes: 0,
        linearFp32Bytes: 0,
        linearStoredBytes: 0,
      };

      const values = buildFootprintRows(payload).map((row) => row.value);

      assert.deepEqual(values, ["0 B", "0 B", "0 B", "0 B", `0 B stored, 0 B in fp32 (${MISSING_VALUE} of fp32)`]);
    });
  });

  describe("buildModelLayerRows", () => {
    it("should format each layer in graph order", () => {
      assert.deepEqual(buildModelLayerRows(makeModelPayload()), [
        {
          name: "/layers.0/Wqkv/MatMul",
          shape: "128 × 384",
          scheme: "nf4",
          stored: "27.00 KiB",
          storedTitle: "27,648 bytes",
          ratio: "0.141×",
          keptInFp32: false,
        },
        {
          name: "/layers.0/wo/MatMul",
          shape: "512 × 128",
          scheme: "nf4",
          stored: "36.00 KiB",
          storedTitle: "36,864 bytes",
          ratio: "0.141×",
          keptInFp32: false,
        },
        {
          name: "/classifier/Gemm",
          shape: "128 × 2",
          scheme: "fp32",
          stored: "1.00 KiB",
          storedTitle: "1,024 bytes",
          ratio: "1.000×",
          keptInFp32: true,
        },
      ]);
    });

    it("should not mark layers of an fp32 model as kept", () => {
      const payload = makeModelPayload();
      payload.scheme = "fp32";

      assert.ok(buildModelLayerRows(payload).every((row) => !row.keptInFp32));
    });
  });

  describe("formatRatio", () => {
    it("should keep three decimals", () => {
      assert.equal(formatRatio(585.7, 4167.5), "0.141×");
      assert.equal(formatRatio(1, 1), "1.000×");
    });

    it("should not divide by zero bytes", () => {
      assert.equal(formatRatio(0, 0), MISSING_VALUE);
    });
  });

  describe("formatSeconds", () => {
    it("should give milliseconds below 1 s", () => {
      assert.equal(formatSeconds(0.2468), "247 ms");
      assert.equal(formatSeconds(0.0004), "0 ms");
    });

    it("should give seconds from 1 s on", () => {
      assert.equal(formatSeconds(1), "1.00 s");
      assert.equal(formatSeconds(12.5), "12.50 s");
    });
  });
});
