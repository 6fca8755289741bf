/**
 * Base class of the renderers that draw plotly.js charts. It loads plotly.js for a render,
 * redraws when the JupyterLab theme changes, fits the plots to their width when the widget is
 * attached, shown or resized, and purges them on the next render and on dispose.
 */

import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

import { loadPlotly, observeThemeChanges, type PlotlyModule } from "./plotly";

/**
 * A widget with plotly.js plots. Subclasses list their plot elements and draw them; this class
 * owns plotly.js, the theme observer and the plots' lifecycle.
 */
export abstract class PlotlyRenderer extends Widget {
  /** plotly.js, once a render has loaded it. */
  protected plotly: PlotlyModule | null = null;

  /** Whether the current plots are drawn, so that they are resized and purged. */
  protected plotted = false;

  /** Returns the plot elements of the current view, or none before a view exists. */
  protected abstract plotElements(): readonly HTMLElement[];

  /** Draws the current view with the current theme. */
  protected abstract draw(): Promise<void>;

  /** Starts a render: purges the plots of the previous one and returns this render's id. */
  protected beginRender(): number {
    this.releasePlots();
    return ++this.renderCount;
  }

  /**
   * Loads plotly.js and draws, unless a later render or dispose came first. A load failure goes
   * to `onLoadFailure`.
   */
  protected async plotWhenLoaded(renderId: number, onLoadFailure: (error: unknown) => void): Promise<void> {
    let plotly: PlotlyModule;
    try {
      plotly = await loadPlotly();
    } catch (error) {
      onLoadFailure(error);
      return;
    }

    // A later renderModel call or dispose may have happened while plotly.js was loading.
    if (this.isDisposed || renderId !== this.renderCount) {
      return;
    }
    this.plotly = plotly;
    this.stopObservingTheme ??= observeThemeChanges(() => void this.draw());
    await this.draw();
  }

  /** Releases the plots (plotly.js listeners and DOM) and the theme observer. */
  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.stopObservingTheme?.();
    this.stopObservingTheme = null;
    this.releasePlots();
    super.dispose();
  }

  /**
   * Fits the plots to their width after the widget is attached, because JupyterLab may render an
   * output before it is in the document, where plotly.js cannot measure it.
   */
  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.resizePlots();
  }

  /** Fits the plots to their width when the widget becomes visible, as in a revealed tab. */
  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.resizePlots();
  }

  /** Fits the plots to their width when the output area changes size. */
  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.resizePlots();
  }

  /** Calls `Plotly.purge` on the current plots, if they were drawn. */
  private releasePlots(): void {
    if (this.plotly !== null && this.plotted) {
      for (const plot of this.plotElements()) {
        this.plotly.purge(plot);
      }
    }
    this.plotted = false;
  }

  /** Resizes the plots to their containers if they are drawn and visible. */
  private resizePlots(): void {
    if (this.plotly === null || !this.plotted || !this.isVisible) {
      return;
    }

    // Plots.resize returns a promise in plotly.js 4.1, although @types/plotly.js declares void.
    // It rejects when the plot is hidden, which changes nothing here, so the rejection is dropped.
    for (const plot of this.plotElements()) {
      const resized: unknown = this.plotly.Plots.resize(plot);
      if (resized instanceof Promise) {
        resized.catch(() => undefined);
      }
    }
  }

  private renderCount = 0;
  private stopObservingTheme: (() => void) | null = null;
}
