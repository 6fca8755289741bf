/** The weight-distribution output: per-layer histograms of a model's linear weights. */

import type { DnaModel } from "../model/dna-model";
import { FP4_CODE_VALUES, INT8_MAX_CODE, NF4_CODE_VALUES } from "../quant";
import type { MimeBundle } from "../jupyter/display-channel";
import { WEIGHTS_MIME_TYPE, WEIGHTS_PAYLOAD_VERSION, type WeightsPayload } from "./payloads";

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

/** Returns the MIME bundle of a model's weight distributions: the custom JSON type and text. */
export function weightsBundle(model: DnaModel): MimeBundle {
  const payload = weightsPayload(model);
  return { data: { [WEIGHTS_MIME_TYPE]: payload, "text/plain": weightsText(payload) } };
}
