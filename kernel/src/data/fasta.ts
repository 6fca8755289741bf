/** FASTA reading. */

import { readTextFile } from "./read-text";

/** One FASTA record. */
export interface FastaRecord {
  /** First word of the header line, without `>`. */
  id: string;
  /** Rest of the header line. */
  description: string;
  /** Sequence with line breaks removed and case kept (lower case marks soft-masked bases). */
  sequence: string;
}

/** Parses FASTA text into records. @throws Error when sequence lines come before any header. */
export function parseFasta(text: string, source = "FASTA input"): FastaRecord[] {
  const records: FastaRecord[] = [];
  let current: { id: string; description: string; lines: string[] } | undefined;
  const finish = () => {
    if (current) records.push({ id: current.id, description: current.description, sequence: current.lines.join("") });
  };
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (line.startsWith(">")) {
      finish();
      const header = line.slice(1).trim();
      const space = header.search(/\s/);
      current = { id: space < 0 ? header : header.slice(0, space), description: space < 0 ? "" : header.slice(space + 1).trim(), lines: [] };
    } else if (line.trim() !== "" && !line.startsWith(";")) {
      if (!current) throw new Error(`${source} line ${lineIndex + 1}: sequence data before the first ">" header; a FASTA file starts with a header line.`);
      current.lines.push(line.trim());
    }
  });
  finish();
  return records;
}

/** Reads a FASTA file (gzip-compressed when the name ends in `.gz`). */
export function readFasta(file: string): FastaRecord[] {
  return parseFasta(readTextFile(file), file);
}
