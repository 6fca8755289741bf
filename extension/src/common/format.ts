/**
 * Text formatting shared by the renderers. No DOM API, so Node's test runner can import it.
 */

/** Locale of formatted counts, fixed so that output does not depend on the browser. */
const COUNT_LOCALE = "en-US";

/** Significant digits of a formatted value. */
const SIGNIFICANT_DIGITS = 4;

/**
 * Formats a real number with 4 significant digits, in exponent notation when its magnitude is
 * at least 1e5 or below 1e-3.
 */
export function formatValue(value: number): string {
  if (value === 0) {
    return "0";
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }

  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    return value.toExponential(SIGNIFICANT_DIGITS - 1);
  }
  return String(Number(value.toPrecision(SIGNIFICANT_DIGITS)));
}

/** Formats an integer count with thousands separators, such as `2,359,296`. */
export function formatCount(count: number): string {
  return count.toLocaleString(COUNT_LOCALE);
}

/** Formats a fraction in [0, 1] as a percentage with one decimal, such as `12.5%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Binary byte units, each 1024 times the one before. */
const BYTE_UNITS = Object.freeze(["B", "KiB", "MiB", "GiB", "TiB"]);

/**
 * Formats a byte count in binary units with two decimals, such as `614.08 KiB`, and a count
 * below 1024 as whole bytes, such as `512 B`. The kernel's text summary uses the same form.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${BYTE_UNITS[unit]}`;
}

/** Formats a tensor shape as `768 × 3072`, and an empty shape (a scalar) as `scalar`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar" : shape.join(" × ");
}

/**
 * Escapes text for a plotly.js title or label.
 *
 * plotly.js reads a subset of HTML in text attributes (`<br>`, `<b>`, `<a href>` and others)
 * and decodes entities. Escaping `&`, `<` and `>` makes it show a payload string as written.
 */
export function escapePlotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
