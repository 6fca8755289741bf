/**
 * Renderer of `application/vnd.dnaquant.weights+json`: the weight histogram of one linear layer
 * at a time, chosen from a drop-down list, with the layer's statistics in a table underneath.
 * A layer with a block-normalized histogram can also be shown over [-1, 1] with the 4-bit code
 * levels and the INT8 grid.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { WeightsPayload } from "dnaquant/payloads";

import { describeError, renderMessage } from "../common/message";
import { readMimeData } from "../common/payload-checks";
import { PLOT_CONFIG, readPlotTheme } from "../plotting/plotly";
import { PlotlyRenderer } from "../plotting/plotly-renderer";
import {
  buildNormalizedFigure,
  buildWeightsFigure,
  describeWeightsPayload,
  hasNormalizedView,
  summarizeLayer,
  type StatisticsRow,
} from "./figure";
import { validateWeightsPayload, WEIGHTS_MIME_TYPE } from "./payload";

/** CSS class of the renderer's root node. */
const WEIGHTS_CLASS = "dq-RenderedWeights";

/** CSS class of the line that names the model, scheme and number of layers. */
const HEADER_CLASS = "dq-RenderedWeights-header";

/** CSS class of the row that contains the layer list, the view list and the switches. */
const CONTROLS_CLASS = "dq-RenderedWeights-controls";

/** CSS class of the loading text, or of a plotting failure message, above the plot. */
const STATUS_CLASS = "dq-RenderedWeights-status";

/** CSS class of the element that plotly.js draws into. */
const PLOT_CLASS = "dq-RenderedWeights-plot";

/** CSS class of the statistics table. */
const STATISTICS_CLASS = "dq-RenderedWeights-statistics";

/**
 * A widget that draws the weight histograms of a weights payload.
 *
 * An invalid payload, an unknown payload version or a failure to load or draw plotly.js shows a
 * message in the output area instead of rejecting the `renderModel` promise.
 */
export class RenderedWeights extends PlotlyRenderer implements IRenderMime.IRenderer {
  /**
   * Creates a renderer for the MIME type in `options`.
   */
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(WEIGHTS_CLASS);
  }

  /**
   * Renders a weights payload, replacing what an earlier call rendered.
   *
   * A layer of the same name stays selected when an output is updated.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const renderId = this.beginRender();
    const previousLayerName = this._selectedLayerName();
    const logCounts = this._view?.logCounts ?? false;
    const normalizedRequested = this._view?.normalizedRequested ?? false;
    const showFp4 = this._view?.showFp4 ?? false;
    this._view = null;
    this._payload = null;
    this.node.replaceChildren();

    // Validate before loading plotly.js, so that a malformed payload costs no download.
    let payload: WeightsPayload;
    try {
      payload = validateWeightsPayload(readMimeData(model.data[this._mimeType], "payload"));
    } catch (error) {
      renderMessage(this.node, {
        kind: "error",
        title: "Cannot draw the weight histograms: this dnaquant weights output is invalid.",
        detail: describeError(error),
      });
      return;
    }

    if (payload.layers.length === 0) {
      renderMessage(this.node, {
        kind: "info",
        title: `The weights output of ${payload.model} lists no linear weights.`,
      });
      return;
    }

    // Show the header, controls and statistics at once. The plot follows when plotly.js loads.
    const initialLayer = Math.max(
      0,
      payload.layers.findIndex((layer) => layer.name === previousLayerName),
    );
    const view = Private.createView(this.node, payload, {
      initialLayer,
      logCounts,
      normalizedRequested,
      showFp4,
      onChange: () => void this.draw(),
    });
    this._payload = payload;
    this._view = view;

    await this.plotWhenLoaded(renderId, (error) => view.showProblem("plotly.js failed to load. Reload the page to try again.", error));
  }

  /**
   * Draws the selected layer in the selected view with the current theme. `Plotly.react` updates
   * an existing plot in place, so a control change or theme change does not rebuild it.
   */
  protected async draw(): Promise<void> {
    const plotly = this.plotly;
    const payload = this._payload;
    const view = this._view;
    if (plotly === null || payload === null || view === null || this.isDisposed) {
      return;
    }

    try {
      const options = {
        layerIndex: view.layerIndex,
        logCounts: view.logCounts,
        theme: readPlotTheme(this.node),
      };
      const figure = view.normalized
        ? buildNormalizedFigure(payload, { ...options, showFp4: view.showFp4 })
        : buildWeightsFigure(payload, options);
      await plotly.react(view.plot, figure.data, figure.layout, PLOT_CONFIG);
    } catch (error) {
      view.showProblem("plotly.js failed to draw the histogram.", error);
      return;
    }

    // A later renderModel call or dispose may have dropped this view while plotly.js drew it.
    // Purging it then removes the window resize listener that `responsive` added.
    if (this.isDisposed || this._view !== view) {
      plotly.purge(view.plot);
      return;
    }
    this.plotted = true;
    view.clearStatus();
  }

  /** Returns the name of the selected layer, or null before the first valid payload. */
  private _selectedLayerName(): string | null {
    if (this._payload === null || this._view === null) {
      return null;
    }
    return this._payload.layers[this._view.layerIndex]?.name ?? null;
  }

  /** Returns the plots of the current view. */
  protected plotElements(): readonly HTMLElement[] {
    return this._view === null ? [] : [this._view.plot];
  }

  private readonly _mimeType: string;
  private _payload: WeightsPayload | null = null;
  private _view: Private.IView | null = null;
}

/**
 * Renderer factory for {@link WEIGHTS_MIME_TYPE}.
 *
 * It is safe: payload strings reach the DOM only through `textContent`, and plotly.js titles
 * only with HTML-like markup escaped. Nothing from the payload runs as script, so the factory
 * also renders outputs of untrusted notebooks.
 */
export const weightsRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [WEIGHTS_MIME_TYPE],
  defaultRank: 0,
  createRenderer: (options) => new RenderedWeights(options),
};

/**
 * MIME extension that registers {@link weightsRendererFactory}. Rank 0 puts it before the
 * SVG and plain-text fallbacks that the same output may carry.
 */
export const weightsExtension: IRenderMime.IExtension = {
  id: "dnaquant-jupyterlab:weights-factory",
  description: "Draws dnaquant per-layer weight histograms with plotly.js.",
  rendererFactory: weightsRendererFactory,
  rank: 0,
  dataType: "json",
};

namespace Private {
  /** Value of the view list's option that draws weight values. */
  const VALUES_VIEW = "values";

  /** Value of the view list's option that draws block-normalized weights with code levels. */
  const NORMALIZED_VIEW = "normalized";

  /** The elements of a rendered payload that the widget updates. */
  export interface IView {
    /** Element that plotly.js draws into. */
    readonly plot: HTMLDivElement;
    /** Index of the selected layer in `payload.layers`. */
    readonly layerIndex: number;
    /** Whether the log-scale switch is on. */
    readonly logCounts: boolean;
    /** Whether the user selected the normalized view, which not every layer has. */
    readonly normalizedRequested: boolean;
    /** Whether the selected layer is shown normalized: requested and available. */
    readonly normalized: boolean;
    /** Whether the FP4 switch of the normalized view is on. */
    readonly showFp4: boolean;
    /** Removes the loading text or failure message above the plot. */
    clearStatus(): void;
    /** Shows a failure message above the plot. The controls and statistics stay usable. */
    showProblem(title: string, error: unknown): void;
  }

  /**
   * Appends the header, controls, status line, plot element and statistics table to `host`.
   */
  export function createView(
    host: HTMLElement,
    payload: WeightsPayload,
    options: createView.IOptions,
  ): IView {
    const { initialLayer, logCounts, normalizedRequested, showFp4, onChange } = options;

    // Header: model, scheme and number of layers.
    const header = document.createElement("div");
    header.className = HEADER_CLASS;
    header.textContent = `Weight distributions: ${describeWeightsPayload(payload)}`;

    // Controls: the layer list and the log-scale switch, each inside its label.
    const layerSelect = document.createElement("select");
    payload.layers.forEach((layer, index) => {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = `${index + 1}. ${layer.name}`;
      layerSelect.appendChild(option);
    });
    layerSelect.selectedIndex = initialLayer;

    const logCheckbox = document.createElement("input");
    logCheckbox.type = "checkbox";
    logCheckbox.checked = logCounts;

    // The view list appears when some layer has a normalized histogram. Its second option is
    // disabled for a layer without one, which is then drawn as values.
    const viewSelect = document.createElement("select");
    for (const [value, text] of [
      [VALUES_VIEW, "Weight values"],
      [NORMALIZED_VIEW, "Normalized by block absmax, with code levels"],
    ]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      viewSelect.appendChild(option);
    }
    viewSelect.value = normalizedRequested ? NORMALIZED_VIEW : VALUES_VIEW;
    const fp4Checkbox = document.createElement("input");
    fp4Checkbox.type = "checkbox";
    fp4Checkbox.checked = showFp4;
    const fp4Label = createLabel("FP4 levels", fp4Checkbox, "after");

    const anyNormalized = payload.layers.some((_, index) => hasNormalizedView(payload, index));
    const controls = document.createElement("div");
    controls.className = CONTROLS_CLASS;
    controls.append(createLabel("Layer", layerSelect, "before"));
    if (anyNormalized) {
      controls.append(createLabel("View", viewSelect, "before"), fp4Label);
    }
    controls.append(createLabel("Logarithmic count axis", logCheckbox, "after"));

    // Whether the selected layer is drawn normalized, and the controls that depend on it.
    let requested = normalizedRequested && anyNormalized;
    const isNormalized = (): boolean =>
      requested && hasNormalizedView(payload, layerSelect.selectedIndex);
    const updateViewControls = (): void => {
      const available = hasNormalizedView(payload, layerSelect.selectedIndex);
      viewSelect.options[1].disabled = !available;
      viewSelect.value = requested && available ? NORMALIZED_VIEW : VALUES_VIEW;
      fp4Label.hidden = !isNormalized();
    };
    updateViewControls();

    // Status line, plot element and statistics table.
    const status = document.createElement("div");
    status.className = STATUS_CLASS;
    status.textContent = "Loading plotly.js…";

    const plot = document.createElement("div");
    plot.className = PLOT_CLASS;

    const statistics = document.createElement("table");
    statistics.className = STATISTICS_CLASS;
    const showStatistics = (): void => {
      fillStatistics(statistics, summarizeLayer(payload.layers[layerSelect.selectedIndex]));
    };
    showStatistics();

    layerSelect.addEventListener("change", () => {
      showStatistics();
      updateViewControls();
      onChange();
    });
    viewSelect.addEventListener("change", () => {
      requested = viewSelect.value === NORMALIZED_VIEW;
      updateViewControls();
      onChange();
    });
    logCheckbox.addEventListener("change", onChange);
    fp4Checkbox.addEventListener("change", onChange);
    host.append(header, controls, status, plot, statistics);

    return {
      plot,
      get layerIndex(): number {
        return layerSelect.selectedIndex;
      },
      get logCounts(): boolean {
        return logCheckbox.checked;
      },
      get normalizedRequested(): boolean {
        return requested;
      },
      get normalized(): boolean {
        return isNormalized();
      },
      get showFp4(): boolean {
        return fp4Checkbox.checked;
      },
      clearStatus(): void {
        status.replaceChildren();
      },
      showProblem(title: string, error: unknown): void {
        status.replaceChildren();
        renderMessage(status, { kind: "error", title, detail: describeError(error) });
      },
    };
  }

  /** Options of {@link createView}. */
  export namespace createView {
    export interface IOptions {
      /** Index of the layer selected at first. */
      initialLayer: number;
      /** Whether the log-scale switch is on at first. */
      logCounts: boolean;
      /** Whether the normalized view is selected at first. */
      normalizedRequested: boolean;
      /** Whether the FP4 switch is on at first. */
      showFp4: boolean;
      /** Called when the user changes the layer, the view or a switch. */
      onChange: () => void;
    }
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

  /** Replaces the rows of `table` with one row per statistic. */
  function fillStatistics(table: HTMLTableElement, rows: readonly StatisticsRow[]): void {
    const body = document.createElement("tbody");
    for (const { label, value } of rows) {
      const row = body.insertRow();
      const heading = document.createElement("th");
      heading.scope = "row";
      heading.textContent = label;
      const cell = row.insertCell();
      cell.textContent = value;
      row.prepend(heading);
    }
    table.replaceChildren(body);
  }
}
