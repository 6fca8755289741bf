/**
 * The quantization-error output: per-layer error of each scheme, as the custom JSON payload, an
 * SVG bar chart and a text table.
 */

import type { MimeBundle } from "../jupyter/display-channel";
import { shortenLayerNames } from "./layer-names";
import { ERROR_MIME_TYPE, type ErrorLayerPayload, type ErrorPayload, type ErrorSchemePayload } from "./payloads";
import { groupedBarSvg } from "./svg";

/**
 * Draws the SQNR of every layer under every scheme as a grouped horizontal bar chart, one row per
 * layer in graph order. SQNR is in dB, so layers whose errors differ by orders of magnitude share
 * a linear axis. A layer without error has an infinite SQNR and gets no bar.
 */
export function errorSvg(payload: ErrorPayload): string {
  const { model, schemes, layers } = payload;
  const names = layers.map((layer) => layer.name);
  const noun = layers.length === 1 ? "linear layer" : "linear layers";

  return groupedBarSvg({
    title: `Quantization error of ${model}: SQNR per layer`,
    subtitle: `${layers.length} ${noun} · higher is better · 6 dB is a factor of 4 in MSE`,
    categories: shortenLayerNames(names),
    categoryTooltips: names,
    series: schemes.map((scheme) => ({
      label: scheme.label,
      values: layers.map((layer) => layer.metrics[scheme.id]?.sqnrDb ?? null),
    })),
    valueTitle: "SQNR (dB)",
    formatValue: (value) => `${value.toFixed(1)} dB`,
  });
}

/**
 * Returns the layers ordered by the relative MSE of one scheme, largest first, so that the layers
 * where the scheme hurts most come first. An infinite relative MSE (null in JSON) counts as the
 * largest. A layer without metrics for the scheme comes last. Equal errors keep graph order.
 */
export function sortLayersByError(payload: ErrorPayload, schemeId: string): ErrorLayerPayload[] {
  const key = (layer: ErrorLayerPayload): number => {
    const metrics = layer.metrics[schemeId];
    if (metrics === undefined) {
      return -Infinity;
    }
    return metrics.relativeMse === null ? Infinity : metrics.relativeMse;
  };
  return [...payload.layers].sort((a, b) => {
    const difference = key(b) - key(a);
    // Infinity - Infinity is NaN: two infinite errors are equal.
    return Number.isNaN(difference) ? 0 : difference;
  });
}

/**
 * Formats an error payload as text: a line per scheme with its storage cost, then for each
 * scheme a table of the layers sorted by relative MSE, largest first.
 */
export function errorText(payload: ErrorPayload): string {
  const { model, schemes, layers } = payload;
  const noun = layers.length === 1 ? "linear layer" : "linear layers";
  const lines = [
    `Quantization error of ${model}: ${layers.length} ${noun}, ${schemes.length} ${schemes.length === 1 ? "scheme" : "schemes"}`,
    ...schemes.map((scheme) => `  ${scheme.label}: ${formatBits(scheme.bitsPerWeight)} bits per weight`),
  ];
  for (const scheme of schemes) {
    lines.push("", ...schemeTable(payload, scheme));
  }
  return lines.join("\n");
}

/**
 * Returns the MIME bundle of an error payload: the custom JSON type for the dnaquant JupyterLab
 * extension, an SVG bar chart of SQNR for front ends without it (GitHub, nbconvert's HTML), and
 * text tables of the layers sorted by error.
 */
export function errorBundle(payload: ErrorPayload): MimeBundle {
  const data: Record<string, unknown> = { [ERROR_MIME_TYPE]: payload };
  // A payload without layers or schemes has no bars to draw, so its bundle has no image.
  if (payload.layers.length > 0 && payload.schemes.length > 0) {
    data["image/svg+xml"] = errorSvg(payload);
  }
  data["text/plain"] = errorText(payload);
  return { data };
}

/** Returns the lines of one scheme's table: a heading, column titles and a row per layer. */
function schemeTable(payload: ErrorPayload, scheme: ErrorSchemePayload): string[] {
  const header = ["layer", "shape [K, N]", "relative MSE", "SQNR (dB)", "max |error|", "mean |error|"];
  const rows = sortLayersByError(payload, scheme.id).map((layer) => {
    const metrics = layer.metrics[scheme.id];
    return [
      layer.name,
      `[${layer.shape.join(", ")}]`,
      formatMetric(metrics?.relativeMse),
      formatSqnr(metrics?.sqnrDb),
      formatMetric(metrics?.maxAbsError),
      formatMetric(metrics?.meanAbsError),
    ];
  });

  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [`${scheme.label}: layers by relative MSE, largest first`, line(header), ...rows.map(line)];
}

/**
 * Formats a metric with 3 significant digits, in exponent notation below 0.001 or from 10,000.
 * `-` stands for a missing metric and `∞` for an infinite one, which JSON carries as null.
 */
function formatMetric(value: number | null | undefined): string {
  if (value === undefined) {
    return "-";
  }
  if (value === null || value === Infinity) {
    return "∞";
  }
  if (value === 0 || !Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  return magnitude < 1e-3 || magnitude >= 1e4 ? value.toExponential(2) : value.toPrecision(3);
}

/** Formats an SQNR in dB with one decimal, `∞` for a layer without error and `-` when missing. */
function formatSqnr(value: number | null | undefined): string {
  if (value === undefined) {
    return "-";
  }
  if (value === null || value === Infinity) {
    return "∞";
  }
  return value.toFixed(1);
}

/** Formats bits per weight with up to 3 decimals, such as `4.5` or `8.25`. */
function formatBits(bits: number): string {
  return String(Number(bits.toFixed(3)));
}
