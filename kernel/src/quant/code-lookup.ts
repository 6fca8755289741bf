/**
 * Bucket tables that give the code of a scaled value with one table read: the fast path of the
 * NF4, FP4 and int4 encoders, in place of comparisons against each decision threshold.
 *
 * A table covers scaled values p = value * inverseScale in [min, max], in buckets of width
 * 1 / bucketsPerUnit. The encoder reads entry `trunc(p * bucketsPerUnit + offset)` with
 * `offset = -min * bucketsPerUnit`, computed from the double product p, before any rounding to
 * float32. The entry is the code that every float32 `fround(p)` of the bucket receives, or
 * {@link EXACT_CODE} when a decision threshold falls inside the bucket; for those few buckets the
 * encoder calls the scalar code function on `fround(p)`.
 *
 * Why the entries are exact: each code function here is a step function of x in which every code
 * occupies one interval (NF4 and int4 codes ascend with x; FP4 codes ascend with |x| on each side
 * of zero, and the sign bit separates the sides). Every p of bucket i lies in
 * [lo, hi] = [min + i / B - margin, min + (i + 1) / B + margin], where the margin covers the
 * rounding of `p * B + offset` and bucket 0 also takes p in (min - 1 / B, min) because truncation
 * rounds toward zero. Rounding to float32 is monotone, so `fround(p)` lies between `fround(lo)`
 * and `fround(hi)`; when those two share a code, so does every value between them.
 */

/** Entry of a bucket that a decision threshold splits: the encoder computes the code exactly. */
export const EXACT_CODE = 0xff;

/** A bucket table for one code function; see the module comment. */
export interface CodeLookupTable {
  /** Buckets per unit of the scaled value, a power of two so that `p * bucketsPerUnit` is exact. */
  bucketsPerUnit: number;
  /** Added to `p * bucketsPerUnit` before truncation: `-min * bucketsPerUnit`. */
  offset: number;
  /** `(max - min) * bucketsPerUnit + 1` entries: a code from 0 to 15, or {@link EXACT_CODE}. */
  entries: Uint8Array;
}

/**
 * Builds the bucket table of `codeOf` for scaled values in [min, max].
 *
 * @param codeOf code of a float32 value; every code must occupy one interval of x.
 * @param min smallest scaled value the encoder passes, an integer.
 * @param max largest scaled value the encoder passes, an integer; values up to
 *   `max + 1 / bucketsPerUnit` (exclusive) still fall into the last entry.
 * @param bucketsPerUnit a power of two.
 */
export function buildCodeLookupTable(codeOf: (x: number) => number, min: number, max: number, bucketsPerUnit: number): CodeLookupTable {
  const isPowerOfTwo = Number.isInteger(bucketsPerUnit) && bucketsPerUnit > 0 && (bucketsPerUnit & (bucketsPerUnit - 1)) === 0;
  if (!isPowerOfTwo || !Number.isInteger(min) || !Number.isInteger(max) || max <= min) {
    throw new RangeError(`Code lookup table needs integers min < max and a power-of-two bucketsPerUnit, got [${min}, ${max}] and ${bucketsPerUnit}.`);
  }
  const offset = -min * bucketsPerUnit;
  const entries = new Uint8Array((max - min) * bucketsPerUnit + 1);

  // The index is rounded once, in a double below 2^31, so its error in p is below
  // (max - min + 2) * 2^-52; the margin is far wider and far below a bucket width.
  const margin = (max - min + 2) * 2 ** -40;
  const width = 1 / bucketsPerUnit;
  for (let i = 0; i < entries.length; i++) {
    const lo = min + i * width - margin - (i === 0 ? width : 0);
    const hi = min + (i + 1) * width + margin;
    const lowCode = codeOf(Math.fround(lo));
    entries[i] = lowCode === codeOf(Math.fround(hi)) ? lowCode : EXACT_CODE;
  }
  return { bucketsPerUnit, offset, entries };
}
