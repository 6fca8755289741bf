/** Small multiples: a grid of small histograms that share one title, as one SVG document. */

import type { Histogram } from "../payloads";
import { drawHistogramPlot } from "./histogram";
import { svgDocument, svgElement, svgText } from "./markup";
import {
  SVG_COLORS,
  SVG_FONT_FAMILY,
  SVG_FONT_SIZE,
  SVG_TITLE_FONT_SIZE,
  truncateStart,
} from "./style";

/** One cell of the grid. */
export interface HistogramPanel {
  /** Panel title, cut at its start when it is wider than the panel. */
  title: string;
  histogram: Histogram;
}

/** Options of {@link histogramGridSvg}. */
export interface HistogramGridOptions {
  /** Title above the grid. */
  title: string;
  /** Second line under the title. */
  subtitle?: string;
  /** Line under the grid, such as a note that panels were left out. */
  footnote?: string;
  /** Panels in reading order: left to right, then top to bottom. */
  panels: readonly HistogramPanel[];
  /** Number of columns (default 4). */
  columns?: number;
  /** Width of one panel in pixels (default 180). */
  panelWidth?: number;
  /** Height of one panel in pixels (default 130). */
  panelHeight?: number;
}

/** Font size of panel titles and tick labels, in pixels. */
const PANEL_FONT_SIZE = 9;

/**
 * Draws histograms in a grid of small panels, each with its own value and count axes, so that
 * distributions of different widths and heights stay readable.
 *
 * @throws RangeError when a panel's histogram is malformed (see drawHistogramPlot).
 */
export function histogramGridSvg(options: HistogramGridOptions): string {
  const { title, subtitle, footnote, panels, panelWidth = 180, panelHeight = 130 } = options;
  const columns = Math.max(1, Math.min(options.columns ?? 4, panels.length));
  const rows = Math.ceil(panels.length / columns);

  // Header: title and subtitle.
  const parts: string[] = [svgText(title, { x: 12, y: 22, "font-size": SVG_TITLE_FONT_SIZE, "font-weight": "bold", fill: SVG_COLORS.text })];
  let top = 34;
  if (subtitle) {
    parts.push(svgText(subtitle, { x: 12, y: 40, fill: SVG_COLORS.mutedText }));
    top = 52;
  }

  // Panels: a title line, then the plot area with margins for tick labels on the left and below.
  panels.forEach((panel, index) => {
    const left = 8 + (index % columns) * panelWidth;
    const panelTop = top + Math.floor(index / columns) * panelHeight;
    const plot = { x: left + 38, y: panelTop + 16, width: panelWidth - 38 - 10, height: panelHeight - 16 - 22 };
    const panelTitle = truncateStart(panel.title, panelWidth - 16, PANEL_FONT_SIZE + 1);
    const content = [
      svgText(panelTitle, { x: left + 8, y: panelTop + 10, "font-size": PANEL_FONT_SIZE + 1, fill: SVG_COLORS.text }),
      ...drawHistogramPlot(plot, {
        histogram: panel.histogram,
        fontSize: PANEL_FONT_SIZE,
        valueTickCount: 5,
        countTickCount: 3,
      }),
    ];
    parts.push(svgElement("g", {}, content));
  });

  // Footnote under the last row.
  let height = top + rows * panelHeight + 8;
  if (footnote) {
    parts.push(svgText(footnote, { x: 12, y: height + 6, fill: SVG_COLORS.mutedText }));
    height += 18;
  }

  const width = Math.max(16 + columns * panelWidth, 360);
  return svgDocument(
    { width, height, title, background: SVG_COLORS.background, fontFamily: SVG_FONT_FAMILY, fontSize: SVG_FONT_SIZE },
    parts,
  );
}
