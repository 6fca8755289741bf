import type { WeightLayerPayload, WeightsPayload } from "dnaquant/payloads";

/**
 * Returns a valid weights payload of two layers. The first layer's histogram has 4 bins over
 * [-0.5, 0.5) with 10 values in all, and the second has 2 bins.
 */
export function makeWeightsPayload(): WeightsPayload {
  return {
    version: 1,
    model: "tiny-dna",
    scheme: "nf4",
    layers: [
      makeLayer({
        name: "/layers.0/Wqkv/MatMul",
        weightName: "layers.0.Wqkv.weight",
        shape: [768, 2304],
        histogram: { edges: [-0.5, -0.25, 0, 0.25, 0.5], counts: [1, 4, 3, 2] },
      }),
      makeLayer({
        name: "/layers.0/Wo/MatMul",
        weightName: "layers.0.Wo.weight",
        shape: [768, 768],
        scheme: "fp32",
        histogram: { edges: [-1, 0, 1], counts: [5, 5] },
      }),
    ],
  };
}

/** Returns a valid layer, with whole fields replaced by those in `overrides`. */
export function makeLayer(overrides: Partial<WeightLayerPayload> = {}): WeightLayerPayload {
  return {
    name: "/layers.0/Wqkv/MatMul",
    weightName: "layers.0.Wqkv.weight",
    shape: [768, 2304],
    scheme: "nf4",
    statistics: { count: 1_769_472, min: -0.4921875, max: 0.46875, mean: 0.0001, std: 0.03125 },
    histogram: { edges: [-0.5, 0, 0.5], counts: [6, 4] },
    ...overrides,
  };
}

/** Returns a deep copy as a plain JSON value, which a test may change freely. */
export function cloneAsJson(payload: WeightsPayload): Record<string, any> {
  return JSON.parse(JSON.stringify(payload)) as Record<string, any>;
}
