/** Turning library results into MIME bundles and sending them to the notebook. */
export * from "./payloads";
export * from "./weights";
export * from "./error";
export * from "./show";
export { shortenLayerNames } from "./layer-names";
export {
  groupedBarSvg,
  histogramChartSvg,
  histogramGridSvg,
  type BarSeries,
  type GroupedBarChartOptions,
  type HistogramChartOptions,
  type HistogramGridOptions,
  type HistogramPanel,
  type MarkerSet,
} from "./svg";
export * from "./agreement";
