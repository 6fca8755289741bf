/**
 * The model view as text: the load details, the footprint summary and one row per linear layer.
 * This module uses no DOM API so that Node's test runner can import it.
 */

import type { ModelPayload } from "dnaquant/payloads";

import { formatBytes, formatCount, formatPercent, formatShape } from "../common/format";

/** Scheme of a linear weight that was kept in float32. */
export const FP32_SCHEME = "fp32";

/** Text of a value that cannot be computed, such as a ratio to 0 bytes. */
export const MISSING_VALUE = "–";

/** A labelled value of the load details or the footprint summary. */
export interface SummaryRow {
  label: string;
  value: string;
  /** Tooltip with the exact value, when the text is rounded. */
  title?: string;
}

/** A formatted row of the layer table. */
export interface ModelLayerRow {
  name: string;
  /** Shape as ONNX MatMul's B, inputs × outputs. */
  shape: string;
  scheme: string;
  /** Stored bytes in binary units. */
  stored: string;
  /** Exact stored bytes, for the tooltip. */
  storedTitle: string;
  /** Stored bytes divided by the weight's bytes in float32, such as `0.141×`. */
  ratio: string;
  /** Whether the weight is stored in float32 although the model's scheme is not fp32. */
  keptInFp32: boolean;
}

/**
 * Builds the header line of a payload, such as
 * `tiny-dnabert2 · nf4, block size 64 · 18 of 18 linear layers quantized · 614.08 KiB`.
 */
export function describeModelPayload(payload: ModelPayload): string {
  const layers = payload.layers.length;
  const quantized = payload.layers.filter((layer) => layer.scheme !== FP32_SCHEME).length;
  return (
    `${payload.name} · ${describeScheme(payload)} · ` +
    `${formatCount(quantized)} of ${formatCount(layers)} linear ${layers === 1 ? "layer" : "layers"} quantized · ` +
    formatBytes(payload.footprint.totalBytes)
  );
}

/** Describes the scheme with its block size when it has one, such as `nf4, block size 64`. */
export function describeScheme(payload: ModelPayload): string {
  return payload.blockSize === undefined ? payload.scheme : `${payload.scheme}, block size ${payload.blockSize}`;
}

/**
 * Builds the load details: name, scheme, block size, source, file, hub model id and commit when
 * the model came from the Hugging Face hub or cache, the files downloaded, and the load time.
 */
export function buildLoadDetails(payload: ModelPayload): SummaryRow[] {
  const rows: SummaryRow[] = [
    { label: "Name", value: payload.name },
    { label: "Scheme", value: payload.scheme },
  ];
  if (payload.blockSize !== undefined) {
    rows.push({ label: "Block size", value: `${formatCount(payload.blockSize)} values` });
  }
  rows.push({ label: "Source", value: payload.source }, { label: "File", value: payload.file });

  if (payload.hub !== undefined) {
    const { modelId, commit, downloaded } = payload.hub;
    rows.push({ label: "Hub model", value: modelId }, { label: "Commit", value: commit });
    rows.push({
      label: "Downloaded",
      value: downloaded.length === 0 ? "nothing (all files were in the cache)" : downloaded.join(", "),
    });
  }

  rows.push({ label: "Load time", value: formatSeconds(payload.loadSeconds), title: `${payload.loadSeconds} s` });
  return rows;
}

/**
 * Builds the footprint summary: the total, its three parts with their shares, and the linear
 * weights as stored against their size in float32.
 */
export function buildFootprintRows(payload: ModelPayload): SummaryRow[] {
  const { footprint } = payload;
  const part = (label: string, bytes: number): SummaryRow => ({
    label,
    value:
      footprint.totalBytes > 0
        ? `${formatBytes(bytes)} (${formatPercent(bytes / footprint.totalBytes)})`
        : formatBytes(bytes),
    title: `${formatCount(bytes)} bytes`,
  });

  return [
    { label: "Total", value: formatBytes(footprint.totalBytes), title: `${formatCount(footprint.totalBytes)} bytes` },
    part("Quantized codes", footprint.quantizedWeightBytes),
    part("Quantization metadata", footprint.quantizationMetadataBytes),
    part("Unquantized tensors", footprint.unquantizedBytes),
    {
      label: "Linear weights",
      value:
        `${formatBytes(footprint.linearStoredBytes)} stored, ${formatBytes(footprint.linearFp32Bytes)} in fp32 ` +
        `(${formatRatio(footprint.linearStoredBytes, footprint.linearFp32Bytes)} of fp32)`,
      title: `${formatCount(footprint.linearStoredBytes)} of ${formatCount(footprint.linearFp32Bytes)} bytes`,
    },
  ];
}

/** Builds one row per linear layer, in graph order. */
export function buildModelLayerRows(payload: ModelPayload): ModelLayerRow[] {
  return payload.layers.map((layer) => ({
    name: layer.name,
    shape: formatShape(layer.shape),
    scheme: layer.scheme,
    stored: formatBytes(layer.storedBytes),
    storedTitle: `${formatCount(layer.storedBytes)} bytes`,
    ratio: formatRatio(layer.storedBytes, layer.fp32Bytes),
    keptInFp32: layer.scheme === FP32_SCHEME && payload.scheme !== FP32_SCHEME,
  }));
}

/**
 * Formats `stored / fp32` with 3 decimals and a multiplication sign, such as `0.141×`, or
 * {@link MISSING_VALUE} when `fp32` is 0.
 */
export function formatRatio(stored: number, fp32: number): string {
  return fp32 > 0 ? `${(stored / fp32).toFixed(3)}×` : MISSING_VALUE;
}

/**
 * Formats a duration given in seconds: below 1 s in whole milliseconds, such as `44 ms`, and
 * from 1 s on in seconds with 2 decimals, such as `12.50 s`.
 */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}
