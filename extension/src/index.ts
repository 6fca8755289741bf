/**
 * dnaquant-jupyterlab: JupyterLab 4 MIME renderers for dnaquant outputs.
 *
 * Each renderer lives in its own folder (one per MIME type) and exports an
 * `IRenderMime.IExtension`. The default export lists them all, and JupyterLab loads it as this
 * package's `mimeExtension`.
 */

import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";

import { agreementExtension } from "./agreement/renderer";
import { errorExtension } from "./error/renderer";
import { modelExtension } from "./model/renderer";
import { weightsExtension } from "./weights/renderer";

export { validateWeightsPayload, WEIGHTS_MIME_TYPE, WEIGHTS_PAYLOAD_VERSION } from "./weights/payload";
export { RenderedWeights, weightsExtension, weightsRendererFactory } from "./weights/renderer";
export { ERROR_MIME_TYPE, ERROR_PAYLOAD_VERSION, validateErrorPayload } from "./error/payload";
export { errorExtension, errorRendererFactory, RenderedError } from "./error/renderer";
export { AGREEMENT_MIME_TYPE, AGREEMENT_PAYLOAD_VERSION, validateAgreementPayload } from "./agreement/payload";
export { agreementExtension, agreementRendererFactory, RenderedAgreement } from "./agreement/renderer";
export { MODEL_MIME_TYPE, MODEL_PAYLOAD_VERSION, validateModelPayload } from "./model/payload";
export { modelExtension, modelRendererFactory, RenderedModel } from "./model/renderer";

/** The MIME extensions of this package, one per MIME type. */
const extensions: ReadonlyArray<IRenderMime.IExtension> = [
  weightsExtension,
  errorExtension,
  agreementExtension,
  modelExtension,
];

export default extensions;
