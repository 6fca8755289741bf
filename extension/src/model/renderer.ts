/**
 * Renderer of `application/vnd.dnaquant.model+json`: the load report of a model, with where it
 * came from, its footprint, a table of its linear layers and the linear-looking nodes that were
 * left in fp32 with the reason. It draws no plots, so it does not load plotly.js.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import type { ModelPayload } from "dnaquant/payloads";

import { formatCount } from "../common/format";
import { describeError, renderMessage } from "../common/message";
import { readMimeData } from "../common/payload-checks";
import { MODEL_MIME_TYPE, validateModelPayload } from "./payload";
import {
  buildFootprintRows,
  buildLoadDetails,
  buildModelLayerRows,
  describeModelPayload,
  type SummaryRow,
} from "./summary";

/** CSS class of the renderer's root node. */
const MODEL_CLASS = "dq-RenderedModel";

/** CSS class of the line that names the model, scheme, layer count and footprint. */
const HEADER_CLASS = "dq-RenderedModel-header";

/** CSS class of the box that contains the load details and footprint side by side. */
const SUMMARY_CLASS = "dq-RenderedModel-summary";

/** CSS class of a two-column table of labelled values: the load details or the footprint. */
const FACTS_CLASS = "dq-RenderedModel-facts";

/** CSS class of a section heading. */
const SECTION_TITLE_CLASS = "dq-RenderedModel-sectionTitle";

/** CSS class of the scrolling box around the layer table. */
const LAYERS_CONTAINER_CLASS = "dq-RenderedModel-layersContainer";

/** CSS class of the layer table. */
const LAYERS_CLASS = "dq-RenderedModel-layers";

/** CSS class of the box that lists the nodes left in fp32. */
const SKIPPED_CLASS = "dq-RenderedModel-skipped";

/** CSS modifier class of a layer stored in fp32 in a quantized model. */
const KEPT_MODIFIER_CLASS = "mod-keptInFp32";

/** CSS modifier class of the skipped-nodes box when it lists any. */
const WARNING_MODIFIER_CLASS = "mod-warning";

/** CSS modifier class of a numeric cell or heading, which is right-aligned. */
const NUMERIC_MODIFIER_CLASS = "mod-numeric";

/**
 * A widget that shows a model payload.
 *
 * An invalid payload or an unknown payload version shows a message in the output area instead of
 * rejecting the `renderModel` promise.
 */
export class RenderedModel extends Widget implements IRenderMime.IRenderer {
  /**
   * Creates a renderer for the MIME type in `options`.
   */
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(MODEL_CLASS);
  }

  /**
   * Renders a model payload, replacing what an earlier call rendered.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.node.replaceChildren();

    let payload: ModelPayload;
    try {
      payload = validateModelPayload(readMimeData(model.data[this._mimeType], "payload"));
    } catch (error) {
      renderMessage(this.node, {
        kind: "error",
        title: "Cannot show the model summary: this dnaquant model output is invalid.",
        detail: describeError(error),
      });
      return;
    }

    Private.renderSummary(this.node, payload);
  }

  private readonly _mimeType: string;
}

/**
 * Renderer factory for {@link MODEL_MIME_TYPE}.
 *
 * It is safe: payload strings reach the DOM only through `textContent` and `title`, so nothing
 * from the payload runs as script, and the factory also renders outputs of untrusted notebooks.
 */
export const modelRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [MODEL_MIME_TYPE],
  defaultRank: 0,
  createRenderer: (options) => new RenderedModel(options),
};

/**
 * MIME extension that registers {@link modelRendererFactory}. Rank 0 puts it before the
 * plain-text summary (rank 120 in JupyterLab 4.6) that the kernel adds to the same output.
 */
export const modelExtension: IRenderMime.IExtension = {
  id: "dnaquant-jupyterlab:model-factory",
  description: "Shows the load report and footprint of a dnaquant model.",
  rendererFactory: modelRendererFactory,
  rank: 0,
  dataType: "json",
};

namespace Private {
  /**
   * Appends the header, the load details and footprint, the layer table and the skipped nodes
   * to `host`.
   */
  export function renderSummary(host: HTMLElement, payload: ModelPayload): void {
    // Header: name, scheme, quantized layers and total footprint.
    const header = document.createElement("div");
    header.className = HEADER_CLASS;
    header.textContent = `Model: ${describeModelPayload(payload)}`;

    // Load details and footprint, side by side when the output is wide enough.
    const summary = document.createElement("div");
    summary.className = SUMMARY_CLASS;
    summary.append(
      createFactsSection("Load", buildLoadDetails(payload)),
      createFactsSection("Footprint", buildFootprintRows(payload)),
    );

    host.append(header, summary, createLayersSection(payload), createSkippedSection(payload));
  }

  /** Creates a titled two-column table of labelled values. */
  function createFactsSection(title: string, rows: readonly SummaryRow[]): HTMLElement {
    const section = document.createElement("section");
    section.append(createSectionTitle(title));

    const table = document.createElement("table");
    table.className = FACTS_CLASS;
    const body = table.createTBody();
    for (const { label, value, title: tooltip } of rows) {
      const row = body.insertRow();
      const heading = document.createElement("th");
      heading.scope = "row";
      heading.textContent = label;
      row.appendChild(heading);
      const cell = row.insertCell();
      cell.textContent = value;
      if (tooltip !== undefined) {
        cell.title = tooltip;
      }
    }

    section.appendChild(table);
    return section;
  }

  /** Creates the titled table of linear layers in graph order, inside a scrolling box. */
  function createLayersSection(payload: ModelPayload): HTMLElement {
    const section = document.createElement("section");
    const count = payload.layers.length;
    section.append(createSectionTitle(`Linear layers (${formatCount(count)})`));

    const table = document.createElement("table");
    table.className = LAYERS_CLASS;
    const headRow = table.createTHead().insertRow();
    const headings: Array<[string, boolean]> = [
      ["#", true],
      ["Layer", false],
      ["Shape (in × out)", false],
      ["Scheme", false],
      ["Stored", true],
      ["Ratio to fp32", true],
    ];
    for (const [text, numeric] of headings) {
      const heading = document.createElement("th");
      heading.scope = "col";
      heading.textContent = text;
      if (numeric) {
        heading.classList.add(NUMERIC_MODIFIER_CLASS);
      }
      headRow.appendChild(heading);
    }

    const body = table.createTBody();
    buildModelLayerRows(payload).forEach((layer, index) => {
      const row = body.insertRow();
      addCell(row, String(index + 1), true);
      addCell(row, layer.name, false);
      addCell(row, layer.shape, false);
      addCell(row, layer.scheme, false);
      addCell(row, layer.stored, true).title = layer.storedTitle;
      addCell(row, layer.ratio, true);
      if (layer.keptInFp32) {
        row.classList.add(KEPT_MODIFIER_CLASS);
        row.title = `${layer.name} is stored in fp32.`;
      }
    });

    const container = document.createElement("div");
    container.className = LAYERS_CONTAINER_CLASS;
    container.appendChild(table);
    section.appendChild(container);
    return section;
  }

  /**
   * Creates the highlighted list of linear-looking nodes left in fp32 with their reasons. Without
   * such nodes it creates one line stating that there are none.
   */
  function createSkippedSection(payload: ModelPayload): HTMLElement {
    const section = document.createElement("section");
    section.className = SKIPPED_CLASS;
    const count = payload.skipped.length;
    if (count === 0) {
      section.textContent = "No linear-looking node was left in fp32.";
      return section;
    }

    section.classList.add(WARNING_MODIFIER_CLASS);
    section.setAttribute("role", "status");
    section.append(
      createSectionTitle(
        `${formatCount(count)} linear-looking ${count === 1 ? "node was" : "nodes were"} left in fp32`,
      ),
    );
    const list = document.createElement("ul");
    for (const { name, reason } of payload.skipped) {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = name;
      item.append(code, `: ${reason}`);
      list.appendChild(item);
    }
    section.appendChild(list);
    return section;
  }

  /** Creates a section heading. */
  function createSectionTitle(text: string): HTMLElement {
    const title = document.createElement("div");
    title.className = SECTION_TITLE_CLASS;
    title.textContent = text;
    return title;
  }

  /** Appends a cell with `text` to `row`, right-aligned when `numeric`. */
  function addCell(row: HTMLTableRowElement, text: string, numeric: boolean): HTMLTableCellElement {
    const cell = row.insertCell();
    cell.textContent = text;
    if (numeric) {
      cell.classList.add(NUMERIC_MODIFIER_CLASS);
    }
    return cell;
  }
}
