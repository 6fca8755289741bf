/**
 * Static SVG charts for MIME bundles: histograms with marker lines, grids of small histograms and
 * grouped bar charts. They are strings of SVG markup, built without a DOM or Node API, readable
 * on a white background, with every text escaped, and identical for identical input.
 */
export * from "./markup";
export * from "./scale";
export * from "./style";
export * from "./axes";
export * from "./histogram";
export * from "./histogram-grid";
export * from "./grouped-bars";
