/** Sending MIME bundles to the notebook through the dnaquant kernel's display channel. */

import type { AgreementResult } from "../analysis/agreement";
import { agreementBundle } from "./agreement";
import { getDisplayFunction, type MimeBundle } from "../jupyter/display-channel";
import type { DnaModel } from "../model/dna-model";
import { errorBundle } from "./error";
import type { ErrorPayload } from "./payloads";
import { weightsBundle } from "./weights";

/**
 * Sends a bundle as a display output when running in the dnaquant kernel, and does nothing
 * elsewhere. Outside Jupyter, build the bundle with the matching `...Bundle` function instead.
 */
export function display(bundle: MimeBundle): void {
  getDisplayFunction()?.(bundle);
}

/** Shows the per-layer weight distributions of a model (rendered by the dnaquant JupyterLab extension). */
export function showWeights(model: DnaModel): void {
  display(weightsBundle(model));
}

/**
 * Shows the per-layer quantization error of each scheme, such as the result of
 * `analyzeQuantizationError` (rendered by the dnaquant JupyterLab extension, with an SVG chart and
 * a text table for other front ends).
 */
export function showError(payload: ErrorPayload): void {
  display(errorBundle(payload));
}

/**
 * Shows how closely quantized models follow their fp32 reference, one row per result of
 * `compareWithReference`, with warnings for the schemes below their thresholds.
 * @param models the quantized models in the same order, to show their footprints.
 */
export function showAgreement(results: readonly AgreementResult[], models: readonly DnaModel[] = []): void {
  display(agreementBundle(results, models));
}
