/**
 * Validation and normalization of DNA input: upper-casing and checking every character against
 * the IUPAC nucleotide codes.
 */

/** IUPAC nucleotide codes accepted in input sequences (upper case). */
export const IUPAC_NUCLEOTIDE_CODES = "ACGTURYSWKMBDHVN";

const IUPAC_SET = new Set(IUPAC_NUCLEOTIDE_CODES);

/** Options of {@link normalizeDnaSequence}. */
export interface NormalizeOptions {
  /** Special tokens, such as `[MASK]`, that may appear verbatim between bases. */
  specialTokens?: readonly string[];
}

/**
 * Upper-cases a DNA sequence and checks that it contains only IUPAC nucleotide codes, apart
 * from the allowed special tokens.
 * @param index position of the sequence in the caller's batch, used in error messages.
 * @throws TypeError when `sequence` is not a string, RangeError naming the sequence index when it
 *   is empty, and its position (0-based) and character when a character is not a nucleotide code.
 */
export function normalizeDnaSequence(sequence: unknown, index: number, options: NormalizeOptions = {}): string {
  if (typeof sequence !== "string") {
    throw new TypeError(`Sequence ${index} must be a string, got ${sequence === null ? "null" : typeof sequence}.`);
  }
  if (sequence.length === 0) {
    throw new RangeError(`Sequence ${index} is empty. Pass at least one nucleotide, or leave the sequence out of the list.`);
  }
  const upper = sequence.toUpperCase();
  const specialTokens = options.specialTokens ?? [];
  for (let position = 0; position < upper.length; position++) {
    const special = specialTokens.find((token) => upper.startsWith(token, position));
    if (special) {
      position += special.length - 1;
      continue;
    }
    const character = upper[position]!;
    if (!IUPAC_SET.has(character)) {
      throw new RangeError(
        `Sequence ${index} has invalid character ${JSON.stringify(sequence[position])} at position ${position} (0-based). ` +
          `DNA input may contain only the IUPAC nucleotide codes ${IUPAC_NUCLEOTIDE_CODES.split("").join(" ")} in upper or lower case` +
          (specialTokens.length > 0 ? ` and the tokens ${specialTokens.join(" ")}` : "") +
          "; remove or replace that character.",
      );
    }
  }
  return upper;
}

/** Checks that `sequences` is a non-empty array and returns it typed. */
export function checkSequenceList(sequences: unknown, parameter = "sequences"): unknown[] {
  if (typeof sequences === "string") {
    throw new TypeError(`${parameter} must be an array of strings; wrap a single sequence in [ ].`);
  }
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new TypeError(`${parameter} must be a non-empty array of DNA strings, got ${Array.isArray(sequences) ? "an empty array" : typeof sequences}.`);
  }
  return sequences;
}
