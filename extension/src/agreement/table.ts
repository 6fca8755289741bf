/**
 * The agreement table as text: one row of formatted cells per compared scheme, the warnings and
 * the header line. This module uses no DOM API so that Node's test runner can import it.
 */

import type { AgreementPayload, AgreementRowPayload } from "dnaquant/payloads";

import { formatBytes, formatCount, formatPercent, formatValue } from "../common/format";

/** Text of a cell whose metric was not measured. */
export const MISSING_VALUE = "–";

/** Decimals of a formatted cosine. Quantized models differ from fp32 in the third or fourth. */
const COSINE_DECIMALS = 5;

/** A column of the agreement table. */
export interface AgreementColumn {
  /** Heading text. */
  label: string;
  /** Tooltip of the heading: what the column measures. */
  description: string;
  /** Whether the column contains numbers, which are right-aligned. */
  numeric: boolean;
}

/** The columns of the agreement table, in order. */
export const AGREEMENT_COLUMNS: readonly Readonly<AgreementColumn>[] = Object.freeze([
  { label: "Scheme", description: "Storage scheme of the quantized model's linear weights.", numeric: false },
  {
    label: "Compared",
    description: "Sequences compared, and the masked positions of a masked language model.",
    numeric: false,
  },
  {
    label: "Mean cosine",
    description: "Mean cosine of the mean-pooled embeddings to fp32's (1 is identical).",
    numeric: true,
  },
  {
    label: "Min cosine",
    description: "Lowest cosine of one sequence's mean-pooled embedding to fp32's.",
    numeric: true,
  },
  {
    label: "Top-1 agreement",
    description: "Share of masked positions (or, for a classifier, sequences) whose top-1 prediction matches fp32's.",
    numeric: true,
  },
  {
    label: "Mean KL (nats)",
    description: "Mean KL divergence of the output distributions from fp32's, in nats (0 is identical).",
    numeric: true,
  },
  {
    label: "Footprint",
    description: "Bytes of all weights as the onnxruntime session stores them, in binary units.",
    numeric: true,
  },
]);

/** A cell of the agreement table. */
export interface AgreementCell {
  text: string;
  /** Tooltip with the unrounded value, when the text is rounded. */
  title?: string;
}

/** A formatted row of the agreement table. */
export interface AgreementTableRow {
  /** Index of the row in `payload.rows`. */
  index: number;
  /** One cell per entry of {@link AGREEMENT_COLUMNS}. */
  cells: AgreementCell[];
  /** The row's warnings; a row with any is highlighted. */
  warnings: readonly string[];
}

/** A warning of one row, for the list under the table. */
export interface AgreementWarning {
  /** Scheme of the row that has the warning. */
  scheme: string;
  /** Index of that row in `payload.rows`. */
  rowIndex: number;
  message: string;
}

/** Builds the table rows of a payload, in payload order. */
export function buildAgreementTable(payload: AgreementPayload): AgreementTableRow[] {
  return payload.rows.map((row, index) => ({
    index,
    cells: [
      { text: row.scheme },
      { text: describeComparedItems(row) },
      formatCosineCell(row.meanCosine),
      formatCosineCell(row.minCosine),
      formatTop1Cell(row.top1Agreement),
      formatKlCell(row.meanKl),
      formatFootprintCell(row.footprintBytes),
    ],
    warnings: row.warnings,
  }));
}

/** Lists every warning of the payload, row by row, for the list under the table. */
export function listAgreementWarnings(payload: AgreementPayload): AgreementWarning[] {
  return payload.rows.flatMap((row, rowIndex) =>
    row.warnings.map((message) => ({ scheme: row.scheme, rowIndex, message })),
  );
}

/** Builds the header line of a payload, such as `tiny-dnabert2 · 2 schemes · 1 with warnings`. */
export function describeAgreementPayload(payload: AgreementPayload): string {
  const schemes = payload.rows.length;
  const warned = payload.rows.filter((row) => row.warnings.length > 0).length;
  const status = warned === 0 ? "all within the thresholds" : `${formatCount(warned)} with warnings`;
  return (
    `${payload.model} · ${formatCount(schemes)} ` +
    `${schemes === 1 ? "scheme" : "schemes"} · ${status}`
  );
}

/**
 * Describes what a row compared, such as `4 sequences, 180 masked positions`, or
 * `6 sequences` for a classifier.
 */
export function describeComparedItems(row: AgreementRowPayload): string {
  const sequences = `${formatCount(row.sequences)} ${row.sequences === 1 ? "sequence" : "sequences"}`;
  if (row.maskedPositions === undefined) {
    return sequences;
  }

  const positions = row.maskedPositions;
  return `${sequences}, ${formatCount(positions)} masked ${positions === 1 ? "position" : "positions"}`;
}

/** Formats a cosine with 5 decimals, such as `0.99821`. */
export function formatCosine(cosine: number): string {
  return cosine.toFixed(COSINE_DECIMALS);
}

/** Formats a cosine cell, with the unrounded value as its tooltip. */
function formatCosineCell(cosine: number | undefined): AgreementCell {
  return cosine === undefined
    ? { text: MISSING_VALUE }
    : { text: formatCosine(cosine), title: String(cosine) };
}

/** Formats a top-1 agreement cell as a percentage, with the unrounded share as its tooltip. */
function formatTop1Cell(top1: number | undefined): AgreementCell {
  return top1 === undefined ? { text: MISSING_VALUE } : { text: formatPercent(top1), title: String(top1) };
}

/** Formats a KL divergence cell with 4 significant digits, with the unrounded value as its tooltip. */
function formatKlCell(kl: number | undefined): AgreementCell {
  return kl === undefined ? { text: MISSING_VALUE } : { text: formatValue(kl), title: String(kl) };
}

/** Formats a footprint cell in binary units, with the exact byte count as its tooltip. */
function formatFootprintCell(bytes: number | undefined): AgreementCell {
  return bytes === undefined
    ? { text: MISSING_VALUE }
    : { text: formatBytes(bytes), title: `${formatCount(bytes)} bytes` };
}
