import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AGREEMENT_MIME_TYPE, agreementBundle, type AgreementPayload } from "../../../kernel/src/display";
import { DEFAULT_AGREEMENT_THRESHOLDS, type AgreementResult } from "../../../kernel/src/analysis/agreement";
import { checkXml } from "../../helpers/xml";

const RESULTS: AgreementResult[] = [
  {
    model: "tiny-dnabert2",
    scheme: "int8",
    sequences: 10,
    embedding: { meanCosine: 0.9985, minCosine: 0.9974 },
    masked: { positions: 450, top1Agreement: 0.95, meanKl: 0.004 },
    thresholds: { ...DEFAULT_AGREEMENT_THRESHOLDS },
    warnings: [],
  },
  {
    model: "tiny-dnabert2",
    scheme: "nf4",
    sequences: 10,
    embedding: { meanCosine: 0.9938, minCosine: 0.9912 },
    masked: { positions: 450, top1Agreement: 0.88, meanKl: 0.0006 },
    thresholds: { ...DEFAULT_AGREEMENT_THRESHOLDS },
    warnings: ["tiny-dnabert2 (nf4): top-1 agreement with fp32 is 88.0%, below 90%; predictions change under this quantization."],
  },
];

describe("agreementBundle", () => {
  it("carries JSON, SVG and text with warnings", () => {
    const { data } = agreementBundle(RESULTS);
    const payload = data[AGREEMENT_MIME_TYPE] as AgreementPayload;
    assert.equal(payload.rows.length, 2);
    assert.equal(payload.rows[1]!.top1Agreement, 0.88);
    assert.equal(payload.rows[0]!.maskedPositions, 450);
    checkXml(data["image/svg+xml"] as string);
    assert.match(data["image/svg+xml"] as string, /Below threshold: nf4/);
    const text = data["text/plain"] as string;
    assert.match(text, /^nf4 +0\.99380 +0\.99120 +88\.0% +0\.00060 +WARNING$/m);
    assert.match(text, /^WARNING: tiny-dnabert2 \(nf4\): top-1 agreement with fp32 is 88\.0%/m);
    assert.match(text, /^int8 .* ok$/m);
  });
});
