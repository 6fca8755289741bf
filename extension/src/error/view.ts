/**
 * The DOM of the error view: header, controls, the two plot elements and the sortable layer
 * table. The renderer draws into the plot elements; this module draws no plots.
 */

import type { ErrorPayload } from "dnaquant/payloads";

import { formatShape } from "../common/format";
import { describeError, renderMessage } from "../common/message";
import { seriesColor } from "../plotting/theme";
import {
  describeErrorPayload,
  ERROR_METRIC_NAMES,
  ERROR_METRICS,
  formatMetric,
  readMetric,
  sortLayerIndices,
  type ErrorMetricName,
  type LayerSort,
} from "./metrics";

/** CSS class of the renderer's root node. */
export const ERROR_CLASS = "dq-RenderedError";

/** CSS class of the line that names the model and the numbers of layers and schemes. */
const HEADER_CLASS = "dq-RenderedError-header";

/** CSS class of a row of controls. */
const CONTROLS_CLASS = "dq-RenderedError-controls";

/** CSS class of the loading text, or of a plotting failure message, above the plots. */
const STATUS_CLASS = "dq-RenderedError-status";

/** CSS class of the element that plotly.js draws the grouped bars into. */
const BARS_CLASS = "dq-RenderedError-bars";

/** CSS class of the element that plotly.js draws the error histograms into. */
const HISTOGRAM_CLASS = "dq-RenderedError-histogram";

/** CSS class of the scrolling box around the layer table. */
const TABLE_CONTAINER_CLASS = "dq-RenderedError-tableContainer";

/** CSS class of the layer table. */
const TABLE_CLASS = "dq-RenderedError-table";

/** CSS class of a heading's sort button. */
const SORT_BUTTON_CLASS = "dq-RenderedError-sortButton";

/** CSS class of a scheme's color swatch in the table heading. */
const SWATCH_CLASS = "dq-RenderedError-swatch";

/** CSS modifier class of the selected table row. */
const SELECTED_MODIFIER_CLASS = "mod-selected";

/** CSS modifier class of the cells of the column the table is sorted by. */
const SORTED_MODIFIER_CLASS = "mod-sorted";

/** State of the controls, kept when an output is rendered again. */
export interface ErrorViewState {
  metric: ErrorMetricName;
  layerIndex: number;
  logCounts: boolean;
  sharedErrorAxis: boolean;
  sort: LayerSort;
}

/** The elements of a rendered payload that the renderer updates. */
export interface IErrorView {
  /** Element that plotly.js draws the grouped bars into. */
  readonly barsPlot: HTMLDivElement;
  /** Element that plotly.js draws the error histograms into. */
  readonly histogramPlot: HTMLDivElement;
  /** Current state of the controls. */
  readonly state: Readonly<ErrorViewState>;
  /** Selects a layer as the layer list and a row click do, and calls `onChange`. */
  selectLayer(index: number): void;
  /** Removes the loading text or failure message above the plots. */
  clearStatus(): void;
  /** Shows a failure message above the plots. The controls and the table stay usable. */
  showProblem(title: string, error: unknown): void;
}

/**
 * Appends the header, controls, status line, plot elements and layer table to `host`.
 */
export function createErrorView(
  host: HTMLElement,
  payload: ErrorPayload,
  options: createErrorView.IOptions,
): IErrorView {
  const { initialState, onChange } = options;
  const state: ErrorViewState = { ...initialState, sort: { ...initialState.sort } };

  // Header: model and the numbers of layers and schemes.
  const header = document.createElement("div");
  header.className = HEADER_CLASS;
  header.textContent = `Quantization error: ${describeErrorPayload(payload)}`;

  // Controls: metric, layer, and the two switches of the histograms, each inside its label.
  const metricSelect = document.createElement("select");
  for (const name of ERROR_METRIC_NAMES) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = ERROR_METRICS[name].label;
    metricSelect.appendChild(option);
  }
  metricSelect.value = state.metric;

  const layerSelect = document.createElement("select");
  payload.layers.forEach((layer, index) => {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = `${index + 1}. ${layer.name}`;
    layerSelect.appendChild(option);
  });
  layerSelect.selectedIndex = state.layerIndex;

  const logCheckbox = createCheckbox(state.logCounts);
  const sharedCheckbox = createCheckbox(state.sharedErrorAxis);

  const metricControls = document.createElement("div");
  metricControls.className = CONTROLS_CLASS;
  metricControls.append(createLabel("Metric", metricSelect, "before"));

  const histogramControls = document.createElement("div");
  histogramControls.className = CONTROLS_CLASS;
  histogramControls.append(
    createLabel("Layer", layerSelect, "before"),
    createLabel("Same error axis for all schemes", sharedCheckbox, "after"),
    createLabel("Logarithmic count axis", logCheckbox, "after"),
  );

  // Status line and plot elements.
  const status = document.createElement("div");
  status.className = STATUS_CLASS;
  status.textContent = "Loading plotly.js…";

  const barsPlot = document.createElement("div");
  barsPlot.className = BARS_CLASS;

  const histogramPlot = document.createElement("div");
  histogramPlot.className = HISTOGRAM_CLASS;

  // Layer table, sorted by the state's scheme and refilled when the metric or the sort changes.
  const table = document.createElement("table");
  table.className = TABLE_CLASS;
  const tableContainer = document.createElement("div");
  tableContainer.className = TABLE_CONTAINER_CLASS;
  tableContainer.appendChild(table);

  const selectLayer = (index: number): void => {
    if (payload.layers[index] === undefined || index === state.layerIndex) {
      return;
    }
    state.layerIndex = index;
    layerSelect.selectedIndex = index;
    markSelectedRow(table, index);
    onChange();
  };
  const refillTable = (): void => {
    fillLayerTable(table, payload, state, {
      onSort: (sort) => {
        state.sort = sort;
        refillTable();
      },
      onSelect: selectLayer,
    });
  };
  refillTable();

  // Control events.
  metricSelect.addEventListener("change", () => {
    state.metric = metricSelect.value as ErrorMetricName;
    refillTable();
    onChange();
  });
  layerSelect.addEventListener("change", () => {
    state.layerIndex = layerSelect.selectedIndex;
    markSelectedRow(table, state.layerIndex);
    onChange();
  });
  logCheckbox.addEventListener("change", () => {
    state.logCounts = logCheckbox.checked;
    onChange();
  });
  sharedCheckbox.addEventListener("change", () => {
    state.sharedErrorAxis = sharedCheckbox.checked;
    onChange();
  });

  host.append(header, metricControls, status, barsPlot, histogramControls, histogramPlot, tableContainer);

  return {
    barsPlot,
    histogramPlot,
    state,
    selectLayer,
    clearStatus(): void {
      status.replaceChildren();
    },
    showProblem(title: string, error: unknown): void {
      status.replaceChildren();
      renderMessage(status, { kind: "error", title, detail: describeError(error) });
    },
  };
}

/** Options of {@link createErrorView}. */
export namespace createErrorView {
  export interface IOptions {
    /** State of the controls at first. */
    initialState: Readonly<ErrorViewState>;
    /** Called when the metric, the layer or a histogram switch changes. */
    onChange: () => void;
  }
}

/**
 * Replaces the content of `table`: a caption that states the order, a heading row whose scheme
 * headings sort the table, and one row per layer in the state's order.
 */
function fillLayerTable(
  table: HTMLTableElement,
  payload: ErrorPayload,
  state: Readonly<ErrorViewState>,
  handlers: { onSort: (sort: LayerSort) => void; onSelect: (index: number) => void },
): void {
  const { metric, sort } = state;
  const definition = ERROR_METRICS[metric];

  // Caption: what the rows are sorted by.
  const caption = table.createCaption();
  const sortedScheme = payload.schemes.find((scheme) => scheme.id === sort.schemeId);
  caption.textContent = sortedScheme
    ? `Layers by ${definition.label} under ${sortedScheme.label}, ` +
      `${sort.direction === "worst-first" ? "most error first" : "least error first"}. ` +
      "Click a heading to sort, a row to show its error histogram."
    : "Layers in graph order. Click a heading to sort, a row to show its error histogram.";

  // Heading row: graph position, layer, shape, then one sortable column per scheme.
  const head = document.createElement("thead");
  const headRow = head.insertRow();
  headRow.append(
    createHeading("#", sort.schemeId === null ? "other" : "none", () =>
      handlers.onSort({ schemeId: null, direction: "worst-first" }),
    ),
    createHeading("Layer"),
    createHeading("Shape"),
  );
  // Worst first means descending for relative MSE and ascending for SQNR.
  const descending = (sort.direction === "worst-first") === definition.largerIsWorse;
  const sortedOrder = descending ? "descending" : "ascending";
  payload.schemes.forEach((scheme, schemeIndex) => {
    const isSorted = scheme.id === sort.schemeId;
    const heading = createHeading(
      scheme.label,
      isSorted ? sortedOrder : "none",
      () =>
        handlers.onSort({
          schemeId: scheme.id,
          direction: isSorted && sort.direction === "worst-first" ? "best-first" : "worst-first",
        }),
      seriesColor(schemeIndex),
    );
    if (isSorted) {
      heading.classList.add(SORTED_MODIFIER_CLASS);
    }
    headRow.appendChild(heading);
  });

  // One row per layer. A click or Enter selects the layer.
  const body = document.createElement("tbody");
  for (const index of sortLayerIndices(payload, metric, sort)) {
    const layer = payload.layers[index];
    const row = body.insertRow();
    row.dataset["layerIndex"] = String(index);
    row.tabIndex = 0;
    row.title = `Show the error histogram of ${layer.name}`;
    if (index === state.layerIndex) {
      row.classList.add(SELECTED_MODIFIER_CLASS);
      row.setAttribute("aria-selected", "true");
    }
    addCell(row, String(index + 1));
    addCell(row, layer.name);
    addCell(row, formatShape(layer.shape));
    for (const scheme of payload.schemes) {
      const cell = addCell(row, formatMetric(readMetric(layer, scheme.id, metric), metric));
      if (scheme.id === sort.schemeId) {
        cell.classList.add(SORTED_MODIFIER_CLASS);
      }
    }
    row.addEventListener("click", () => handlers.onSelect(index));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        handlers.onSelect(index);
      }
    });
  }

  table.replaceChildren(caption, head, body);
}

/** Marks the row of layer `index` as selected and unmarks the others. */
function markSelectedRow(table: HTMLTableElement, index: number): void {
  for (const row of Array.from(table.tBodies[0]?.rows ?? [])) {
    const selected = row.dataset["layerIndex"] === String(index);
    row.classList.toggle(SELECTED_MODIFIER_CLASS, selected);
    if (selected) {
      row.setAttribute("aria-selected", "true");
    } else {
      row.removeAttribute("aria-selected");
    }
  }
}

/**
 * Creates a column heading. With `onSort` its text is a button that sorts the table, and
 * `aria-sort` states the current order ("other" marks graph order, which is neither direction).
 */
function createHeading(
  text: string,
  ariaSort?: "ascending" | "descending" | "none" | "other",
  onSort?: () => void,
  swatchColor?: string,
): HTMLTableCellElement {
  const heading = document.createElement("th");
  heading.scope = "col";
  if (onSort === undefined) {
    heading.textContent = text;
    return heading;
  }

  const button = document.createElement("button");
  button.type = "button";
  button.className = SORT_BUTTON_CLASS;
  if (swatchColor !== undefined) {
    const swatch = document.createElement("span");
    swatch.className = SWATCH_CLASS;
    swatch.style.backgroundColor = swatchColor;
    button.appendChild(swatch);
  }
  button.append(text);
  button.addEventListener("click", onSort);
  heading.appendChild(button);
  heading.setAttribute("aria-sort", ariaSort ?? "none");
  return heading;
}

/** Appends a cell with `text` to `row`. */
function addCell(row: HTMLTableRowElement, text: string): HTMLTableCellElement {
  const cell = row.insertCell();
  cell.textContent = text;
  return cell;
}

/** Creates a checkbox, checked or not. */
function createCheckbox(checked: boolean): HTMLInputElement {
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.checked = checked;
  return checkbox;
}

/** Wraps a form control in a label with `text` before or after it. */
function createLabel(
  text: string,
  control: HTMLElement,
  textPosition: "before" | "after",
): HTMLLabelElement {
  const label = document.createElement("label");
  const caption = document.createElement("span");
  caption.textContent = text;
  if (textPosition === "before") {
    label.append(caption, control);
  } else {
    label.append(control, caption);
  }
  return label;
}
