/** Sending MIME bundles to the notebook through the dnaquant kernel's display channel. */

import { getDisplayFunction, type MimeBundle } from "../jupyter/display-channel";
import type { DnaModel } from "../model/dna-model";
import { weightsBundle } from "./weights";

/**
 * Sends a bundle as a display output when running in the dnaquant kernel.
 * @returns the bundle, so that code outside Jupyter can use or save it.
 */
export function display(bundle: MimeBundle): MimeBundle {
  getDisplayFunction()?.(bundle);
  return bundle;
}

/** Shows the per-layer weight distributions of a model (rendered by the dnaquant JupyterLab extension). */
export function showWeights(model: DnaModel): MimeBundle {
  return display(weightsBundle(model));
}
