import type { LayerErrors } from "./analyze-layer";
import type { ResolvedScheme } from "./schemes";

/** Request to analyze one weight in a worker. */
export interface LayerRequest {
  name: string;
  /** `[rows, cols]` row-major float32 values; its buffer is transferred to the worker. */
  values: Float32Array;
  rows: number;
  cols: number;
  schemes: ResolvedScheme[];
  bins: number;
}

/** Result of a {@link LayerRequest}. */
export type LayerResult = LayerErrors;
