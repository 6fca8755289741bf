/** CSV reading for labelled DNA sets such as DNALLM's (`sequence,label` with a header row). */

import { readTextFile } from "./read-text";

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i]!;
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (character === '"') {
        quoted = false;
      } else {
        field += character;
      }
    } else if (character === '"') {
      quoted = true;
    } else if (character === ",") {
      row.push(field);
      field = "";
    } else if (character === "\n" || character === "\r") {
      if (character === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += character;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((fields) => !(fields.length === 1 && fields[0] === ""));
}

/** One labelled sequence. */
export interface LabelledSequence {
  sequence: string;
  /** The label column's text, such as `1` or `Bacteria`. */
  label: string;
}

/** Options of {@link readLabelledSequences}. */
export interface LabelledCsvOptions {
  /** Header of the sequence column (default `sequence`). */
  sequenceColumn?: string;
  /** Header of the label column (default `label`; DNALLM's embedding set uses `labels`). */
  labelColumn?: string;
}

/**
 * Reads a CSV file with a header row of column names into sequences and labels.
 * @throws Error naming the file and the columns it has when a column is missing.
 */
export function readLabelledSequences(file: string, options: LabelledCsvOptions = {}): LabelledSequence[] {
  const { sequenceColumn = "sequence", labelColumn = "label" } = options;
  const [header, ...rows] = parseCsv(readTextFile(file));
  if (!header) throw new Error(`${file} is empty; expected a header row such as "sequence,label".`);
  const sequenceIndex = header.indexOf(sequenceColumn);
  const labelIndex = header.indexOf(labelColumn);
  for (const [column, index] of [[sequenceColumn, sequenceIndex], [labelColumn, labelIndex]] as const) {
    if (index < 0) throw new Error(`${file} has no column "${column}"; its columns are ${header.map((name) => `"${name}"`).join(", ")}. Pass the right name in the options.`);
  }
  return rows.map((fields) => ({ sequence: fields[sequenceIndex] ?? "", label: fields[labelIndex] ?? "" }));
}
