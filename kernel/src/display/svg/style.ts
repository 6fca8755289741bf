/**
 * Colors, fonts and sizes of the static SVG charts.
 *
 * The charts draw their own white background, because GitHub, nbconvert's HTML and JupyterLab
 * without the dnaquant extension show an SVG output as an image on a page that may be dark.
 * Text and lines are therefore dark on white in every theme.
 */

/** Font stack of every text element. */
export const SVG_FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** Base font size in pixels: tick labels, legends and notes. */
export const SVG_FONT_SIZE = 11;

/** Font size of chart titles, in pixels. */
export const SVG_TITLE_FONT_SIZE = 14;

/**
 * Average advance width of one character as a fraction of the font size. Sans-serif Latin text
 * averages 0.5 to 0.6, so 0.6 overestimates widths a little and labels do not overlap.
 */
export const CHARACTER_WIDTH_RATIO = 0.6;

/** Colors of chart elements, CSS color strings. */
export const SVG_COLORS = Object.freeze({
  background: "#ffffff",
  text: "#1f2328",
  mutedText: "#57606a",
  grid: "#e3e6ea",
  axis: "#8c959f",
  bar: "#1976d2",
});

/**
 * Colors of data series in order: the Okabe-Ito palette without its yellow and black, then grey.
 * The colors stay distinguishable with the common color-vision deficiencies, and the JupyterLab
 * extension uses the same list, so a scheme has one color in both views.
 */
export const SERIES_COLORS: readonly string[] = Object.freeze([
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#999999",
]);

/** Returns the color of series `index`, repeating the palette when there are more series. */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

/** Estimates the width in pixels of `text` at `fontSize`, from {@link CHARACTER_WIDTH_RATIO}. */
export function estimateTextWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * CHARACTER_WIDTH_RATIO;
}

/**
 * Shortens `text` to at most `maxWidth` pixels at `fontSize` by cutting its start and putting
 * `…` in front. Layer names differ most at their end, such as `…/layer.3/attention/Wqkv`.
 */
export function truncateStart(text: string, maxWidth: number, fontSize: number): string {
  const characters = Array.from(text);
  const maxCharacters = Math.floor(maxWidth / (fontSize * CHARACTER_WIDTH_RATIO));
  if (characters.length <= maxCharacters) {
    return text;
  }
  return `…${characters.slice(characters.length - Math.max(1, maxCharacters - 1)).join("")}`;
}
