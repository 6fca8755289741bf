/**
 * Building SVG markup as strings: escaping, number formatting and elements.
 *
 * Every function here is pure and deterministic: the same arguments give the same bytes, so a
 * notebook saved twice does not change. No DOM and no Node API is used.
 */

/** Namespace of SVG elements. */
export const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/** Attribute values of one element. `undefined` leaves the attribute out. */
export type SvgAttributes = Readonly<Record<string, string | number | undefined>>;

/**
 * Characters that XML 1.0 does not allow anywhere in a document: C0 controls other than tab,
 * line feed and carriage return, unpaired surrogates, U+FFFE and U+FFFF.
 */
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for XML character data and attribute values.
 *
 * `&`, `<`, `>`, `"` and `'` become entities, so the result is safe in either place. Characters
 * that XML 1.0 forbids become U+FFFD, because an entity cannot represent them either.
 */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARACTERS, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Formats a coordinate or length with at most 2 decimals, which is 1/100 of a user unit (a CSS
 * pixel at scale 1). Negative zero becomes `0`.
 *
 * @throws RangeError for NaN or an infinite value, which SVG cannot draw.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`SVG coordinates must be finite numbers, but one is ${value}.`);
  }
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/**
 * Returns an element with its attributes in the given order. Strings in `attributes` are
 * escaped, numbers are formatted by {@link formatNumber}. `children` is markup and is inserted
 * as it is. An element without children is written self-closing.
 */
export function svgElement(name: string, attributes: SvgAttributes = {}, children: string | readonly string[] = ""): string {
  const content = typeof children === "string" ? children : children.join("");

  let markup = `<${name}`;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (value === undefined) {
      continue;
    }
    const text = typeof value === "number" ? formatNumber(value) : escapeXml(value);
    markup += ` ${attribute}="${text}"`;
  }
  return content === "" ? `${markup}/>` : `${markup}>${content}</${name}>`;
}

/** Returns a `<text>` element whose content is `text`, escaped. */
export function svgText(text: string, attributes: SvgAttributes): string {
  return svgElement("text", attributes, escapeXml(text));
}

/** Returns a `<title>` element, which browsers show as a tooltip of its parent. */
export function svgTitle(text: string): string {
  return svgElement("title", {}, escapeXml(text));
}

/** Options of {@link svgDocument}. */
export interface SvgDocumentOptions {
  /** Width in CSS pixels. */
  width: number;
  /** Height in CSS pixels. */
  height: number;
  /** Accessible name of the image, written as the document's `<title>`. */
  title: string;
  /** Fill of a rectangle behind everything, so that the chart stays readable on dark pages. */
  background: string;
  /** Font stack of all text. */
  fontFamily: string;
  /** Base font size in pixels. */
  fontSize: number;
}

/** Returns a standalone SVG document: the root element with its namespace, title and background. */
export function svgDocument(options: SvgDocumentOptions, children: readonly string[]): string {
  const { width, height, title, background, fontFamily, fontSize } = options;
  return svgElement(
    "svg",
    {
      xmlns: SVG_NAMESPACE,
      width,
      height,
      viewBox: `0 0 ${formatNumber(width)} ${formatNumber(height)}`,
      role: "img",
      "font-family": fontFamily,
      "font-size": fontSize,
    },
    [svgTitle(title), svgElement("rect", { width, height, fill: background }), ...children],
  );
}
