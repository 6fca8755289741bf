/**
 * The DOM side of plotting, shared by all renderers: loading plotly.js on first use, reading
 * the theme from CSS variables and following theme changes.
 *
 * plotly.js is imported for types only at the top level. The bundler puts the dynamic import
 * below in a separate chunk (about 1.2 MB), which the browser fetches when the first plot is
 * drawn, not when JupyterLab starts.
 */

import type { Config } from "plotly.js-basic-dist-min";

import { resolvePlotTheme, type PlotTheme } from "./theme";

/** The plotly.js API of the basic bundle, which has scatter, bar and pie traces. */
export type PlotlyModule = typeof import("plotly.js-basic-dist-min");

/**
 * plotly.js configuration of every dnaquant plot. `responsive` resizes plots with the window,
 * and plotly.js removes that listener in `Plotly.purge`.
 */
export const PLOT_CONFIG: Readonly<Partial<Config>> = Object.freeze({
  displaylogo: false,
  responsive: true,
});

/**
 * Body attributes that JupyterLab 4's theme plugin sets after a new theme's CSS has loaded.
 */
const THEME_ATTRIBUTES = ["data-jp-theme-name", "data-jp-theme-light"];

/**
 * Loads plotly.js once and returns the same module to every caller.
 *
 * A failed load, such as a chunk that the server did not deliver, stays failed until the page
 * is reloaded. webpack's module federation runtime (5.113) rethrows the first error for every
 * later import of a shared module, so retrying here would not help.
 */
export function loadPlotly(): Promise<PlotlyModule> {
  Private.plotly ??= import("plotly.js-basic-dist-min").then((module) =>
    Private.unwrapDefault(module),
  );
  return Private.plotly;
}

/** Reads the plot theme from the CSS variables in effect at `node`. */
export function readPlotTheme(node: HTMLElement): PlotTheme {
  const style = getComputedStyle(node);
  return resolvePlotTheme((name) => style.getPropertyValue(name));
}

/**
 * Calls `callback` in the next animation frame after JupyterLab switches its theme.
 *
 * @returns A function that stops observing. Call it when the plot is disposed.
 */
export function observeThemeChanges(callback: () => void): () => void {
  let frame = 0;
  const observer = new MutationObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(callback);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: THEME_ATTRIBUTES });

  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  };
}

namespace Private {
  /** The pending, finished or failed load of plotly.js, or null before the first load. */
  export let plotly: Promise<PlotlyModule> | null = null;

  /**
   * Returns the plotly.js API from a dynamically imported module. plotly.js is a CommonJS
   * bundle, so webpack's module namespace has it as `default`.
   */
  export function unwrapDefault(module: PlotlyModule & { default?: PlotlyModule }): PlotlyModule {
    return module.default ?? module;
  }
}
