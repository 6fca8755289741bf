/**
 * Renderer of `application/vnd.dnaquant.agreement+json`. It shows a table of how closely each
 * quantized model follows its fp32 reference (embedding cosine, top-1 agreement, KL divergence,
 * footprint) and lists the warnings of the schemes that crossed a threshold. A bar chart under
 * them shows top-1 agreement and mean cosine per scheme.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";
import type { AgreementPayload } from "dnaquant/payloads";

import { describeError, renderMessage } from "../common/message";
import { readMimeData } from "../common/payload-checks";
import {
  loadPlotly,
  observeThemeChanges,
  PLOT_CONFIG,
  readPlotTheme,
  type PlotlyModule,
} from "../plotting/plotly";
import { buildAgreementFigure } from "./figure";
import { AGREEMENT_MIME_TYPE, validateAgreementPayload } from "./payload";
import { AGREEMENT_CLASS, createAgreementView, type IAgreementView } from "./view";

/**
 * A widget that shows an agreement payload.
 *
 * An invalid payload or an unknown payload version shows a message in the output area instead of
 * rejecting the `renderModel` promise. A failure to load or draw plotly.js shows a message above
 * the plot, and the table and warnings stay.
 */
export class RenderedAgreement extends Widget implements IRenderMime.IRenderer {
  /**
   * Creates a renderer for the MIME type in `options`.
   */
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(AGREEMENT_CLASS);
  }

  /**
   * Renders an agreement payload, replacing what an earlier call rendered.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const renderId = ++this._renderId;
    this._releasePlot();
    this._view = null;
    this._payload = null;
    this.node.replaceChildren();

    // Validate before loading plotly.js, so that a malformed payload costs no download.
    let payload: AgreementPayload;
    try {
      payload = validateAgreementPayload(readMimeData(model.data[this._mimeType], "payload"));
    } catch (error) {
      renderMessage(this.node, {
        kind: "error",
        title: "Cannot show the agreement with fp32: this dnaquant agreement output is invalid.",
        detail: describeError(error),
      });
      return;
    }

    if (payload.rows.length === 0) {
      renderMessage(this.node, {
        kind: "info",
        title: `The agreement output of ${payload.model} lists no quantized models.`,
      });
      return;
    }

    // Show the header, table and warnings at once. The chart follows when plotly.js loads.
    const view = createAgreementView(this.node, payload);
    this._payload = payload;
    this._view = view;

    let plotly: PlotlyModule;
    try {
      plotly = await loadPlotly();
    } catch (error) {
      view.showProblem("plotly.js failed to load. Reload the page to try again.", error);
      return;
    }

    // A later renderModel call or dispose may have happened while plotly.js was loading.
    if (this.isDisposed || renderId !== this._renderId) {
      return;
    }
    this._plotly = plotly;
    this._stopObservingTheme ??= observeThemeChanges(() => void this._draw());
    await this._draw();
  }

  /**
   * Releases the plot (plotly.js listeners and DOM) and the theme observer.
   */
  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._stopObservingTheme?.();
    this._stopObservingTheme = null;
    this._releasePlot();
    super.dispose();
  }

  /**
   * Fits the plot to its width after the widget is attached, because JupyterLab may render an
   * output before it is in the document, where plotly.js cannot measure it.
   */
  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._resizePlot();
  }

  /** Fits the plot to its width when the widget becomes visible, as in a revealed tab. */
  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._resizePlot();
  }

  /** Fits the plot to its width when the output area changes size. */
  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._resizePlot();
  }

  /**
   * Draws the bar chart with the current theme. `Plotly.react` updates an existing plot in place,
   * so a theme change does not rebuild it.
   */
  private async _draw(): Promise<void> {
    const plotly = this._plotly;
    const payload = this._payload;
    const view = this._view;
    if (plotly === null || payload === null || view === null || this.isDisposed) {
      return;
    }

    try {
      const figure = buildAgreementFigure(payload, { theme: readPlotTheme(this.node) });
      await plotly.react(view.plot, figure.data, figure.layout, PLOT_CONFIG);
    } catch (error) {
      view.showProblem("plotly.js failed to draw the agreement chart.", error);
      return;
    }

    // A later renderModel call or dispose may have dropped this view while plotly.js drew it.
    // Purging it then removes the window resize listener that `responsive` added.
    if (this.isDisposed || this._view !== view) {
      plotly.purge(view.plot);
      return;
    }
    this._plotted = true;
    view.clearStatus();
  }

  /** Calls `Plotly.purge` on the current plot, if one was drawn. */
  private _releasePlot(): void {
    if (this._plotly !== null && this._view !== null && this._plotted) {
      this._plotly.purge(this._view.plot);
    }
    this._plotted = false;
  }

  /** Resizes the plot to its container if it is drawn and visible. */
  private _resizePlot(): void {
    if (this._plotly === null || this._view === null || !this._plotted || !this.isVisible) {
      return;
    }

    // Plots.resize returns a promise in plotly.js 4.1, although @types/plotly.js declares void.
    // It rejects when the plot is hidden, which changes nothing here, so the rejection is dropped.
    const resized: unknown = this._plotly.Plots.resize(this._view.plot);
    if (resized instanceof Promise) {
      resized.catch(() => undefined);
    }
  }

  private readonly _mimeType: string;
  private _renderId = 0;
  private _payload: AgreementPayload | null = null;
  private _view: IAgreementView | null = null;
  private _plotly: PlotlyModule | null = null;
  private _plotted = false;
  private _stopObservingTheme: (() => void) | null = null;
}

/**
 * Renderer factory for {@link AGREEMENT_MIME_TYPE}.
 *
 * It is safe: payload strings reach the DOM only through `textContent` and `title`, and
 * plotly.js labels and hover text only with HTML-like markup escaped. Nothing from the payload
 * runs as script, so the factory also renders outputs of untrusted notebooks.
 */
export const agreementRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [AGREEMENT_MIME_TYPE],
  defaultRank: 0,
  createRenderer: (options) => new RenderedAgreement(options),
};

/**
 * MIME extension that registers {@link agreementRendererFactory}. JupyterLab shows the MIME type
 * of lowest rank that has a renderer. Rank 0 puts this one before the SVG (rank 80 in JupyterLab
 * 4.6) and plain-text (120) fallbacks that the kernel adds to the same output.
 */
export const agreementExtension: IRenderMime.IExtension = {
  id: "dnaquant-jupyterlab:agreement-factory",
  description: "Shows how closely dnaquant's quantized models agree with fp32, as a table and a plotly.js chart.",
  rendererFactory: agreementRendererFactory,
  rank: 0,
  dataType: "json",
};
