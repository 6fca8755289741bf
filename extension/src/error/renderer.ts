/**
 * Renderer of `application/vnd.dnaquant.error+json`: per-layer quantization error of each scheme
 * as grouped bars (SQNR or relative MSE), the error histograms of one layer, and a table of the
 * layers sorted by error.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { ErrorPayload } from "dnaquant/payloads";
import type { PlotlyHTMLElement, PlotMouseEvent } from "plotly.js-basic-dist-min";

import { describeError, renderMessage } from "../common/message";
import { readMimeData } from "../common/payload-checks";
import { PLOT_CONFIG, readPlotTheme } from "../plotting/plotly";
import { PlotlyRenderer } from "../plotting/plotly-renderer";
import { buildErrorBarsFigure, buildErrorHistogramFigure } from "./figure";
import { defaultSortScheme, ERROR_METRIC_NAMES } from "./metrics";
import { ERROR_MIME_TYPE, validateErrorPayload } from "./payload";
import { createErrorView, ERROR_CLASS, type ErrorViewState, type IErrorView } from "./view";

/**
 * A widget that draws the quantization errors of an error payload.
 *
 * An invalid payload, an unknown payload version or a failure to load or draw plotly.js shows a
 * message in the output area instead of rejecting the `renderModel` promise.
 */
export class RenderedError extends PlotlyRenderer implements IRenderMime.IRenderer {
  /**
   * Creates a renderer for the MIME type in `options`.
   */
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(ERROR_CLASS);
  }

  /**
   * Renders an error payload, replacing what an earlier call rendered.
   *
   * The metric, the switches and the layer of the same name stay selected when an output is
   * updated, and so does the sort order when its scheme is still there.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const renderId = this.beginRender();
    const previous = this._previousState();
    this._view = null;
    this._payload = null;
    this.node.replaceChildren();

    // Validate before loading plotly.js, so that a malformed payload costs no download.
    let payload: ErrorPayload;
    try {
      payload = validateErrorPayload(readMimeData(model.data[this._mimeType], "payload"));
    } catch (error) {
      renderMessage(this.node, {
        kind: "error",
        title: "Cannot draw the quantization error: this dnaquant error output is invalid.",
        detail: describeError(error),
      });
      return;
    }

    if (payload.layers.length === 0 || payload.schemes.length === 0) {
      renderMessage(this.node, {
        kind: "info",
        title:
          `The error output of ${payload.model} lists ${payload.layers.length} linear layers ` +
          `and ${payload.schemes.length} schemes, so there is nothing to compare.`,
      });
      return;
    }

    // Show the header, controls and table at once. The plots follow when plotly.js loads.
    const view = createErrorView(this.node, payload, {
      initialState: Private.initialState(payload, previous),
      onChange: () => void this.draw(),
    });
    this._payload = payload;
    this._view = view;

    await this.plotWhenLoaded(renderId, (error) => view.showProblem("plotly.js failed to load. Reload the page to try again.", error));
  }

  /**
   * Draws both plots for the current controls and theme. `Plotly.react` updates an existing plot
   * in place, so a control change or theme change does not rebuild it.
   */
  protected async draw(): Promise<void> {
    const plotly = this.plotly;
    const payload = this._payload;
    const view = this._view;
    if (plotly === null || payload === null || view === null || this.isDisposed) {
      return;
    }

    const { metric, layerIndex, logCounts, sharedErrorAxis } = view.state;
    let barsElement: PlotlyHTMLElement;
    try {
      const theme = readPlotTheme(this.node);
      const bars = buildErrorBarsFigure(payload, { metric, selectedLayer: layerIndex, theme });
      const histogram = buildErrorHistogramFigure(payload, {
        layerIndex,
        logCounts,
        sharedErrorAxis,
        theme,
      });
      [barsElement] = await Promise.all([
        plotly.react(view.barsPlot, bars.data, bars.layout, PLOT_CONFIG),
        plotly.react(view.histogramPlot, histogram.data, histogram.layout, PLOT_CONFIG),
      ]);
    } catch (error) {
      view.showProblem("plotly.js failed to draw the quantization error.", error);
      return;
    }

    // A later renderModel call or dispose may have dropped this view while plotly.js drew it.
    // Purging it then removes the window resize listeners that `responsive` added.
    if (this.isDisposed || this._view !== view) {
      plotly.purge(view.barsPlot);
      plotly.purge(view.histogramPlot);
      return;
    }

    // A click on a bar selects its layer. plotly.js keeps the handler until Plotly.purge.
    if (!this.plotted) {
      barsElement.on("plotly_click", (event: PlotMouseEvent) => {
        const layer = event.points[0]?.x;
        if (typeof layer === "number") {
          view.selectLayer(layer);
        }
      });
    }
    this.plotted = true;
    view.clearStatus();
  }

  /** Returns the state of the controls with the selected layer's name, or null before a view. */
  private _previousState(): Private.IPreviousState | null {
    if (this._payload === null || this._view === null) {
      return null;
    }
    const { state } = this._view;
    return { ...state, layerName: this._payload.layers[state.layerIndex]?.name ?? null };
  }

  /** Returns the plots of the current view. */
  protected plotElements(): readonly HTMLElement[] {
    return this._view === null ? [] : [this._view.barsPlot, this._view.histogramPlot];
  }

  private readonly _mimeType: string;
  private _payload: ErrorPayload | null = null;
  private _view: IErrorView | null = null;
}

/**
 * Renderer factory for {@link ERROR_MIME_TYPE}.
 *
 * It is safe: payload strings reach the DOM only through `textContent`, and plotly.js titles,
 * labels and hover text only with HTML-like markup escaped. Nothing from the payload runs as
 * script, so the factory also renders outputs of untrusted notebooks.
 */
export const errorRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [ERROR_MIME_TYPE],
  defaultRank: 0,
  createRenderer: (options) => new RenderedError(options),
};

/**
 * MIME extension that registers {@link errorRendererFactory}. JupyterLab shows the MIME type of
 * lowest rank that has a renderer. Rank 0 puts this one before the SVG (rank 80 in JupyterLab
 * 4.6) and plain-text (120) fallbacks that the same output carries.
 */
export const errorExtension: IRenderMime.IExtension = {
  id: "dnaquant-jupyterlab:error-factory",
  description: "Draws dnaquant per-layer quantization error with plotly.js.",
  rendererFactory: errorRendererFactory,
  rank: 0,
  dataType: "json",
};

namespace Private {
  /** The controls of an earlier render, with the selected layer by name. */
  export interface IPreviousState extends ErrorViewState {
    layerName: string | null;
  }

  /**
   * Returns the controls' state for a new payload: the earlier state where it still applies.
   * Without one, the view starts at the first layer with SQNR, linear counts and a shared error
   * axis, and sorts the table by the scheme with the fewest bits per weight, most error first.
   */
  export function initialState(
    payload: ErrorPayload,
    previous: IPreviousState | null,
  ): ErrorViewState {
    const layerIndex = Math.max(
      0,
      payload.layers.findIndex((layer) => layer.name === previous?.layerName),
    );
    const sortSchemeKept =
      previous !== null &&
      (previous.sort.schemeId === null ||
        payload.schemes.some((scheme) => scheme.id === previous.sort.schemeId));

    return {
      metric: previous?.metric ?? ERROR_METRIC_NAMES[0],
      layerIndex,
      logCounts: previous?.logCounts ?? false,
      sharedErrorAxis: previous?.sharedErrorAxis ?? true,
      sort:
        sortSchemeKept && previous !== null
          ? { ...previous.sort }
          : { schemeId: defaultSortScheme(payload), direction: "worst-first" },
    };
  }
}
