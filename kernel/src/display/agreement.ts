/**
 * The agreement output: how closely each quantized model follows its fp32 reference, as the
 * custom JSON payload, an SVG bar chart and a text table with the warnings.
 */

import type { AgreementResult } from "../analysis/agreement";
import type { MimeBundle } from "../jupyter/display-channel";
import type { DnaModel } from "../model/dna-model";
import { AGREEMENT_MIME_TYPE, AGREEMENT_PAYLOAD_VERSION, type AgreementPayload, type AgreementRowPayload } from "./payloads";
import { groupedBarSvg } from "./svg";

/** Builds the payload from comparison results, with the quantized models for their footprints. */
export function agreementPayload(results: readonly AgreementResult[], models: readonly DnaModel[] = []): AgreementPayload {
  return {
    version: AGREEMENT_PAYLOAD_VERSION,
    model: results[0]?.model ?? "model",
    rows: results.map((result, index) => {
      const row: AgreementRowPayload = { scheme: result.scheme, sequences: result.sequences, warnings: [...result.warnings] };
      if (result.embedding) Object.assign(row, { meanCosine: result.embedding.meanCosine, minCosine: result.embedding.minCosine });
      const outputs = result.masked ?? result.labels;
      if (outputs) Object.assign(row, { top1Agreement: outputs.top1Agreement, meanKl: outputs.meanKl });
      if (result.masked) row.maskedPositions = result.masked.positions;
      const model = models[index];
      if (model) row.footprintBytes = model.getMemoryFootprint().totalBytes;
      return row;
    }),
  };
}

/** Draws mean embedding cosine and top-1 agreement, in percent, per scheme. */
export function agreementSvg(payload: AgreementPayload): string {
  const warned = payload.rows.filter((row) => row.warnings.length > 0).map((row) => row.scheme);
  return groupedBarSvg({
    title: `Agreement of quantized ${payload.model} with fp32`,
    subtitle: warned.length > 0 ? `Below threshold: ${warned.join(", ")} (see the warnings in the text output)` : "Every scheme is within the thresholds",
    categories: payload.rows.map((row) => (row.warnings.length > 0 ? `⚠ ${row.scheme}` : row.scheme)),
    series: [
      { label: "mean embedding cosine (%)", values: payload.rows.map((row) => (row.meanCosine === undefined ? null : row.meanCosine * 100)) },
      { label: "top-1 agreement (%)", values: payload.rows.map((row) => (row.top1Agreement === undefined ? null : row.top1Agreement * 100)) },
    ],
    valueTitle: "agreement with fp32 (%)",
    formatValue: (value) => `${value.toFixed(2)}%`,
  });
}

/** Formats the payload as a table, one row per scheme, followed by every warning. */
export function agreementText(payload: AgreementPayload): string {
  const header = ["scheme", "mean cosine", "min cosine", "top-1 agreement", "mean KL (nats)", "status"];
  const format = (value: number | undefined, digits: number) => (value === undefined ? "-" : value.toFixed(digits));
  const rows = payload.rows.map((row) => [
    row.scheme,
    format(row.meanCosine, 5),
    format(row.minCosine, 5),
    row.top1Agreement === undefined ? "-" : `${(row.top1Agreement * 100).toFixed(1)}%`,
    format(row.meanKl, 5),
    row.warnings.length > 0 ? "WARNING" : "ok",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  const warnings = payload.rows.flatMap((row) => row.warnings.map((warning) => `WARNING: ${warning}`));
  return [`Agreement of quantized ${payload.model} with fp32`, line(header), ...rows.map(line), ...warnings].join("\n");
}

/** Returns the MIME bundle of comparison results: the custom JSON, an SVG chart and text. */
export function agreementBundle(results: readonly AgreementResult[], models: readonly DnaModel[] = []): MimeBundle {
  const payload = agreementPayload(results, models);
  return { data: { [AGREEMENT_MIME_TYPE]: payload, "image/svg+xml": agreementSvg(payload), "text/plain": agreementText(payload) } };
}
