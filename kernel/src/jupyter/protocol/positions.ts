/**
 * Conversion between the cursor positions of the Jupyter protocol, which count Unicode code
 * points (protocol 5.2 and later), and JavaScript string offsets, which count UTF-16 code
 * units. They differ after characters outside the Basic Multilingual Plane, such as emoji.
 */

/**
 * Returns the UTF-16 offset of code point `codePointOffset` in `text`.
 * Offsets past the end map to `text.length`, and negative offsets map to 0.
 */
export function codePointsToUtf16(text: string, codePointOffset: number): number {
  let utf16Offset = 0;
  for (let codePoints = 0; codePoints < codePointOffset && utf16Offset < text.length; codePoints++) {
    utf16Offset += isHighSurrogateAt(text, utf16Offset) ? 2 : 1;
  }
  return utf16Offset;
}

/**
 * Returns the number of code points in `text` before UTF-16 offset `utf16Offset`.
 * An offset inside a surrogate pair counts the pair as one code point.
 */
export function utf16ToCodePoints(text: string, utf16Offset: number): number {
  const end = Math.min(Math.max(utf16Offset, 0), text.length);
  let codePoints = 0;
  for (let index = 0; index < end; index += isHighSurrogateAt(text, index) ? 2 : 1) {
    codePoints++;
  }
  return codePoints;
}

function isHighSurrogateAt(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  return unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}
