/**
 * Renderer of `application/vnd.dnaquant.agreement+json`. It shows a table of how closely each
 * quantized model follows its fp32 reference (embedding cosine, top-1 agreement, KL divergence,
 * footprint) and lists the warnings of the schemes that crossed a threshold. A bar chart under
 * them shows top-1 agreement and mean cosine per scheme.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { AgreementPayload } from "dnaquant/payloads";

import { describeError, renderMessage } from "../common/message";
import { readMimeData } from "../common/payload-checks";
import { PLOT_CONFIG, readPlotTheme } from "../plotting/plotly";
import { PlotlyRenderer } from "../plotting/plotly-renderer";
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
export class RenderedAgreement extends PlotlyRenderer implements IRenderMime.IRenderer {
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
    const renderId = this.beginRender();
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

    await this.plotWhenLoaded(renderId, (error) => view.showProblem("plotly.js failed to load. Reload the page to try again.", error));
  }

  /**
   * Draws the bar chart with the current theme. `Plotly.react` updates an existing plot in place,
   * so a theme change does not rebuild it.
   */
  protected async draw(): Promise<void> {
    const plotly = this.plotly;
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
    this.plotted = true;
    view.clearStatus();
  }

  /** Returns the plots of the current view. */
  protected plotElements(): readonly HTMLElement[] {
    return this._view === null ? [] : [this._view.plot];
  }

  private readonly _mimeType: string;
  private _payload: AgreementPayload | null = null;
  private _view: IAgreementView | null = null;
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
