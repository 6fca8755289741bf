/** The weight-distribution output: per-layer histograms of a model's linear weights. */

import type { DnaModel } from "../model/dna-model";
import { FP4_CODE_VALUES, INT8_MAX_CODE, NF4_CODE_VALUES } from "../quant";
import type { MimeBundle } from "../jupyter/display-channel";
import { shortenLayerNames } from "./layer-names";
import { WEIGHTS_MIME_TYPE, WEIGHTS_PAYLOAD_VERSION, type WeightsPayload } from "./payloads";
import { histogramGridSvg } from "./svg";

/**
 * Maximum number of layers drawn in the SVG of a weights output. 24 panels in 4 columns make an
 * image 858 pixels high. The text table and the extension's view list every layer.
 */
export const MAX_WEIGHT_SVG_PANELS = 24;

/** Builds the {@link WeightsPayload} of a model from the histograms computed at load time. */
export function weightsPayload(model: DnaModel): WeightsPayload {
  return {
    version: WEIGHTS_PAYLOAD_VERSION,
    model: model.name,
    scheme: model.scheme,
    layers: model.layers.map((layer) => ({
      name: layer.name,
      weightName: layer.weightName,
      shape: [layer.inFeatures, layer.outFeatures],
      scheme: layer.scheme,
      statistics: layer.statistics,
      histogram: layer.histogram,
      normalized: layer.normalized,
    })),
    codeLevels: {
      nf4: [...NF4_CODE_VALUES],
      fp4: [...FP4_CODE_VALUES],
      int8Step: 1 / INT8_MAX_CODE,
    },
  };
}

/** Formats a payload as a plain-text table, one row per layer. */
export function weightsText(payload: WeightsPayload): string {
  const header = ["layer", "shape [K, N]", "scheme", "mean", "std", "min", "max"];
  const rows = payload.layers.map((layer) => [
    layer.name,
    `[${layer.shape.join(", ")}]`,
    layer.scheme,
    ...[layer.statistics.mean, layer.statistics.std, layer.statistics.min, layer.statistics.max].map((value) => value.toPrecision(3)),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [`Weight distributions of ${payload.model} (${payload.scheme}), ${payload.layers.length} linear layers`, line(header), ...rows.map(line)].join("\n");
}

/**
 * Draws the weight histograms of a payload as an SVG grid of small panels, one per layer in
 * graph order, at most {@link MAX_WEIGHT_SVG_PANELS}. A footnote states how many were left out.
 */
export function weightsSvg(payload: WeightsPayload): string {
  const { model, scheme, layers } = payload;
  const drawnLayers = layers.slice(0, MAX_WEIGHT_SVG_PANELS);
  const titles = shortenLayerNames(layers.map((layer) => layer.name));
  const noun = layers.length === 1 ? "linear weight" : "linear weights";

  return histogramGridSvg({
    title: `Weight distributions of ${model}`,
    subtitle: `${scheme} · ${layers.length} ${noun} · value histogram per layer`,
    footnote:
      drawnLayers.length < layers.length
        ? `The first ${drawnLayers.length} of ${layers.length} layers are drawn. The text output lists all of them.`
        : undefined,
    panels: drawnLayers.map((layer, index) => ({ title: titles[index]!, histogram: layer.histogram })),
  });
}

/**
 * Returns the MIME bundle of a weights payload: the custom JSON type for the dnaquant JupyterLab
 * extension, an SVG for front ends without it (GitHub, nbconvert's HTML), and text.
 */
export function weightsPayloadBundle(payload: WeightsPayload): MimeBundle {
  const data: Record<string, unknown> = { [WEIGHTS_MIME_TYPE]: payload };
  // A payload without layers has nothing to draw, so its bundle has no image.
  if (payload.layers.length > 0) {
    data["image/svg+xml"] = weightsSvg(payload);
  }
  data["text/plain"] = weightsText(payload);
  return { data };
}

/** Returns the MIME bundle of a model's weight distributions (see {@link weightsPayloadBundle}). */
export function weightsBundle(model: DnaModel): MimeBundle {
  return weightsPayloadBundle(weightsPayload(model));
}
