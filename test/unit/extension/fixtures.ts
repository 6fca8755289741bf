import type {
  AgreementPayload,
  ErrorLayerPayload,
  ErrorMetricsPayload,
  ErrorPayload,
  ModelPayload,
  WeightLayerPayload,
  WeightsPayload,
} from "dnaquant/payloads";

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

/** The 16 NF4 code values, rounded to 4 decimals, as a payload's `codeLevels.nf4`. */
export const NF4_LEVELS = [
  -1, -0.6962, -0.5251, -0.3949, -0.2844, -0.1848, -0.0911, 0, 0.0796, 0.1609, 0.2461, 0.3379,
  0.4407, 0.5626, 0.723, 1,
];

/** The 16 FP4 code values by code, with +0 and -0, as a payload's `codeLevels.fp4`. */
export const FP4_LEVELS = [
  0, 0.0052, 0.6667, 1, 0.3333, 0.5, 0.1667, 0.25, -0, -0.0052, -0.6667, -1, -0.3333, -0.5,
  -0.1667, -0.25,
];

/**
 * Returns the payload of {@link makeWeightsPayload} with a normalized histogram on the first
 * layer only, and the code levels.
 */
export function makeNormalizedWeightsPayload(): WeightsPayload {
  const payload = makeWeightsPayload();
  payload.layers[0].normalized = {
    blockSize: 64,
    histogram: { edges: [-1, -0.5, 0, 0.5, 1], counts: [2, 3, 3, 2] },
  };
  payload.codeLevels = { nf4: [...NF4_LEVELS], fp4: [...FP4_LEVELS], int8Step: 1 / 127 };
  return payload;
}

/** Returns error metrics with the given relative MSE and SQNR and fixed other fields. */
export function makeMetrics(relativeMse: number | null, sqnrDb: number | null): ErrorMetricsPayload {
  return { mse: 1e-6, relativeMse, sqnrDb, maxAbsError: 0.01, meanAbsError: 0.001 };
}

/** Returns an error layer whose INT8 and NF4 errors are the given relative MSE and SQNR pairs. */
export function makeErrorLayer(
  name: string,
  int8: [number | null, number | null],
  nf4: [number | null, number | null],
): ErrorLayerPayload {
  return {
    name,
    weightName: `${name}.weight`,
    shape: [128, 384],
    weightHistogram: { edges: [-0.5, 0, 0.5], counts: [6, 4] },
    metrics: { "int8-row": makeMetrics(...int8), "nf4-64": makeMetrics(...nf4) },
    errorHistograms: {
      "int8-row": { edges: [-0.001, 0, 0.001], counts: [5, 5] },
      "nf4-64": { edges: [-0.04, -0.02, 0, 0.02, 0.04], counts: [1, 4, 4, 1] },
    },
  };
}

/**
 * Returns a valid error payload of INT8 (8.25 bits per weight) and NF4 (4.5 bits) on three
 * layers. Ranked by NF4 error, largest first, the layers are Wo, Wqkv, then MLP.
 */
export function makeErrorPayload(): ErrorPayload {
  return {
    version: 1,
    model: "tiny-dna",
    schemes: [
      { id: "int8-row", label: "INT8 per row", kind: "int8", bitsPerWeight: 8.25 },
      { id: "nf4-64", label: "NF4 (block 64)", kind: "nf4", blockSize: 64, bitsPerWeight: 4.5 },
    ],
    layers: [
      makeErrorLayer("/layers.0/Wqkv/MatMul", [3e-5, 45], [0.0085, 20.7]),
      makeErrorLayer("/layers.0/Wo/MatMul", [6e-5, 42], [0.0091, 20.4]),
      makeErrorLayer("/layers.0/mlp/MatMul", [2e-5, 47], [0.0079, 21]),
    ],
  };
}

/** Warning of the INT8 row of {@link makeAgreementPayload}. */
export const INT8_WARNING =
  "tiny-dna (int8): top-1 agreement with fp32 is 80.6%, below 100%; predictions change under this quantization.";

/**
 * Returns a valid agreement payload of a masked language model: INT8 with one warning, then NF4
 * within the thresholds, each over 4 sequences and 180 masked positions.
 */
export function makeAgreementPayload(): AgreementPayload {
  return {
    version: 1,
    model: "tiny-dna",
    rows: [
      {
        scheme: "int8",
        sequences: 4,
        meanCosine: 0.9982051943545495,
        minCosine: 0.9976126361214361,
        top1Agreement: 0.8055555555555556,
        meanKl: 0.008205882650913675,
        maskedPositions: 180,
        footprintBytes: 1_122_476,
        warnings: [INT8_WARNING],
      },
      {
        scheme: "nf4",
        sequences: 4,
        meanCosine: 0.9930985032502665,
        minCosine: 0.9912406425669756,
        top1Agreement: 0.95,
        meanKl: 0.0007273852974569566,
        maskedPositions: 180,
        footprintBytes: 628_820,
        warnings: [],
      },
    ],
  };
}

/**
 * Returns a valid model payload of an NF4 model with block size 64: two NF4 layers, one layer
 * kept in fp32 and one skipped node. Its footprint is 96,256 bytes (94.00 KiB) in all, of which
 * the linear weights take 65,536 bytes (64.00 KiB) against 459,776 bytes in fp32.
 */
export function makeModelPayload(): ModelPayload {
  return {
    version: 1,
    name: "tiny-dna",
    source: "/models/tiny-dna",
    file: "/models/tiny-dna/model.onnx",
    scheme: "nf4",
    blockSize: 64,
    layers: [
      {
        name: "/layers.0/Wqkv/MatMul",
        weightName: "onnx::MatMul_513",
        shape: [128, 384],
        scheme: "nf4",
        storedBytes: 27_648,
        fp32Bytes: 196_608,
      },
      {
        name: "/layers.0/wo/MatMul",
        weightName: "onnx::MatMul_520",
        shape: [512, 128],
        scheme: "nf4",
        storedBytes: 36_864,
        fp32Bytes: 262_144,
      },
      {
        name: "/classifier/Gemm",
        weightName: "classifier.weight",
        shape: [128, 2],
        scheme: "fp32",
        storedBytes: 1_024,
        fp32Bytes: 1_024,
      },
    ],
    skipped: [{ name: "/pooler/MatMul", reason: 'weight "pooler.weight" is not float32' }],
    footprint: {
      totalBytes: 96_256,
      quantizedWeightBytes: 57_344,
      quantizationMetadataBytes: 7_168,
      unquantizedBytes: 31_744,
      linearFp32Bytes: 459_776,
      linearStoredBytes: 65_536,
    },
    loadSeconds: 0.25,
  };
}

/** Returns {@link makeModelPayload} as if it came from the Hugging Face hub. */
export function makeHubModelPayload(): ModelPayload {
  return {
    ...makeModelPayload(),
    name: "example/tiny-dna",
    source: "example/tiny-dna",
    hub: {
      modelId: "example/tiny-dna",
      commit: "0123456789abcdef0123456789abcdef01234567",
      downloaded: ["config.json", "onnx/model.onnx"],
    },
  };
}

/** Returns a deep copy as a plain JSON value, which a test may change freely. */
export function cloneAsJson(payload: object): Record<string, any> {
  return JSON.parse(JSON.stringify(payload)) as Record<string, any>;
}
