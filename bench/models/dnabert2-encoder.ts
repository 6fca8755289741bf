/**
 * Generates a BERT encoder shaped like DNABERT-2-117M, with random weights. It has 12 layers,
 * hidden size 768, 12 heads of 64 and a fused QKV projection. Its GEGLU MLP of 3072 is one
 * 768 x 6144 projection whose first half is gated by GELU. LayerNorm follows each block, ALiBi
 * biases replace position embeddings, and a masked-language-model head maps to the vocabulary
 * of 4096: 120 M weights, 480 MB in float32. The tokenizer is DNABERT-2's real BPE tokenizer
 * (vocabulary 4096) from test/fixtures/tokenizers/dnabert2.
 *
 * Inputs input_ids, attention_mask and token_type_ids `[batch, sequence]` int64; outputs logits
 * `[batch, sequence, 4096]` and last_hidden_state `[batch, sequence, 768]` float32. Standard ONNX
 * operators of opset 17. Linear weights are MatMul B inputs `[in_features, out_features]`, as
 * PyTorch exports them, drawn from a seeded normal distribution with standard deviation 0.02
 * (about that of trained BERT weights); LayerNorm scales are 1 and biases 0.
 *
 * Usage:
 *   node --import tsx bench/models/dnabert2-encoder.ts [--out bench/out/models/dnabert2-117m-shaped]
 *     [--storage inline|external|external-per-layer] [--layers 12]
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { ONNX_DATA_TYPE } from "../../kernel/src/onnx";

import { integerOption, seededNormal, stringOption } from "../measure";
import { filled, GraphBuilder, tensorSeed, WEIGHT_STORAGES, WeightSink, writeOnnx, type GeneratedModel, type WeightStorage } from "./graph-builder";

/** Shape and initialization of a generated encoder. */
export interface Dnabert2EncoderConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  layerNormEps: number;
  /** Standard deviation of the linear and embedding weights. */
  weightStd: number;
  seed: number;
}

/** DNABERT-2-117M's shape. */
export const DNABERT2_117M_SHAPE: Readonly<Dnabert2EncoderConfig> = Object.freeze({
  vocabSize: 4096,
  hiddenSize: 768,
  layers: 12,
  heads: 12,
  intermediateSize: 3072,
  layerNormEps: 1e-12,
  weightStd: 0.02,
  seed: 2,
});

/** DNABERT-2's tokenizer files in the test fixtures, copied beside the generated graph. */
const TOKENIZER_DIR = path.resolve(__dirname, "..", "..", "test", "fixtures", "tokenizers", "dnabert2");

/** Maximum input length of the generated model in tokens, written as the tokenizer's `model_max_length`. */
const MODEL_MAX_LENGTH = 512;

/** Returns the number of weights of an encoder of this shape. */
export function dnabert2ParameterCount(config: Dnabert2EncoderConfig): number {
  const { vocabSize: v, hiddenSize: h, intermediateSize: m, layers } = config;
  const embeddings = v * h + 2 * h + 2 * h;
  const layer = h * 3 * h + 3 * h + h * h + h + 2 * h + h * 2 * m + m * h + h + 2 * h;
  const head = h * h + h + 2 * h + h * v + v;
  return embeddings + layers * layer + head;
}

/**
 * Writes the encoder into `directory` as `model.onnx` with its weights stored as `storage` requests,
 * plus config.json and the tokenizer files. The directory is created; existing files of the same
 * names are replaced.
 */
export function writeDnabert2Encoder(directory: string, config: Dnabert2EncoderConfig = DNABERT2_117M_SHAPE, storage: WeightStorage = "inline"): GeneratedModel {
  const started = performance.now();
  const { vocabSize, hiddenSize, layers, heads, intermediateSize, weightStd, seed } = config;
  if (hiddenSize % heads !== 0) throw new RangeError(`hidden size ${hiddenSize} must split into ${heads} heads.`);
  fs.mkdirSync(directory, { recursive: true });
  const onnxFile = "model.onnx";
  const sink = new WeightSink(storage, directory, onnxFile);
  const graph = new GraphBuilder(sink);
  const normal = (name: string, dims: number[], group: string) => graph.weight(name, dims, seededNormal(dims.reduce((a, b) => a * b, 1), tensorSeed(seed, name), weightStd), group);
  const ones = (name: string, group: string) => graph.weight(name, [hiddenSize], filled(hiddenSize, 1), group);
  const zeros = (name: string, length: number, group: string) => graph.weight(name, [length], filled(length, 0), group);

  for (const input of ["input_ids", "attention_mask", "token_type_ids"]) graph.inputs.push(graph.value(input, ONNX_DATA_TYPE.INT64, ["batch", "sequence"]));
  const bias = attentionBias(graph, config);

  // Embeddings: words plus token types, then LayerNorm.
  const words = graph.op("Gather", [normal("bert.embeddings.word_embeddings.weight", [vocabSize, hiddenSize], "shared"), "input_ids"], "/bert/embeddings/word_embeddings");
  const types = graph.op("Gather", [normal("bert.embeddings.token_type_embeddings.weight", [2, hiddenSize], "shared"), "token_type_ids"], "/bert/embeddings/token_type_embeddings");
  let hidden = layerNorm(graph, graph.op("Add", [words, types], "/bert/embeddings"), "bert.embeddings.LayerNorm", "shared", config, "/bert/embeddings/LayerNorm", ones, zeros);

  for (let layer = 0; layer < layers; layer++) {
    const scope = `/bert/encoder/layer.${layer}`;
    const prefix = `bert.encoder.layer.${layer}`;
    const group = `layer-${String(layer).padStart(2, "0")}`;
    const linear = (x: string, name: string, inFeatures: number, outFeatures: number, withBias: boolean) => {
      const product = graph.op("MatMul", [x, normal(`${prefix}.${name}.weight`, [inFeatures, outFeatures], group)], `${scope}/${name}/MatMul`);
      return withBias ? graph.op("Add", [product, zeros(`${prefix}.${name}.bias`, outFeatures, group)], `${scope}/${name}`) : product;
    };

    // Attention: fused QKV, ALiBi bias plus padding mask, output projection, residual and norm.
    const qkv = linear(hidden, "attention.self.Wqkv", hiddenSize, 3 * hiddenSize, true);
    const [q, k, v] = graph.opOutputs("Split", [qkv, graph.int64([hiddenSize, hiddenSize, hiddenSize])], `${scope}/attention`, { axis: 2 }, 3) as [string, string, string];
    const heads4 = (x: string, perm: number[]) => graph.op("Transpose", [graph.op("Reshape", [x, graph.int64([0, 0, heads, hiddenSize / heads])], `${scope}/attention`)], `${scope}/attention`, { perm });
    const scores = graph.op("MatMul", [heads4(q, [0, 2, 1, 3]), heads4(k, [0, 2, 3, 1])], `${scope}/attention/scores`);
    const scaled = graph.op("Mul", [scores, graph.float([1 / Math.sqrt(hiddenSize / heads)], [])], `${scope}/attention`);
    const probabilities = graph.op("Softmax", [graph.op("Add", [scaled, bias], `${scope}/attention`)], `${scope}/attention`, { axis: -1 });
    const context = graph.op("MatMul", [probabilities, heads4(v, [0, 2, 1, 3])], `${scope}/attention/context`);
    const merged = graph.op("Reshape", [graph.op("Transpose", [context], `${scope}/attention`, { perm: [0, 2, 1, 3] }), graph.int64([0, 0, hiddenSize])], `${scope}/attention`);
    const attention = linear(merged, "attention.output.dense", hiddenSize, hiddenSize, true);
    hidden = layerNorm(graph, graph.op("Add", [attention, hidden], `${scope}/attention`), `${prefix}.attention.output.LayerNorm`, group, config, `${scope}/attention/output/LayerNorm`, ones, zeros);

    // GEGLU MLP: wo(gelu(x W[:, :m]) * x W[:, m:]), residual and norm.
    const gatedAndPlain = linear(hidden, "mlp.gated_layers", hiddenSize, 2 * intermediateSize, false);
    const [gated, plain] = graph.opOutputs("Split", [gatedAndPlain, graph.int64([intermediateSize, intermediateSize])], `${scope}/mlp`, { axis: 2 }, 2) as [string, string];
    const activated = graph.op("Mul", [gelu(graph, gated, `${scope}/mlp/act`), plain], `${scope}/mlp`);
    const out = linear(activated, "mlp.wo", intermediateSize, hiddenSize, true);
    hidden = layerNorm(graph, graph.op("Add", [out, hidden], `${scope}/mlp`), `${prefix}.mlp.layernorm`, group, config, `${scope}/mlp/layernorm`, ones, zeros);
  }
  const lastHidden = graph.rename(hidden, "last_hidden_state");

  // Masked-language-model head: dense, GELU, LayerNorm, decoder to the vocabulary.
  const dense = graph.op("Add", [graph.op("MatMul", [lastHidden, normal("cls.predictions.transform.dense.weight", [hiddenSize, hiddenSize], "shared")], "/cls/predictions/transform/dense/MatMul"), zeros("cls.predictions.transform.dense.bias", hiddenSize, "shared")], "/cls/predictions/transform/dense");
  const transformed = layerNorm(graph, gelu(graph, dense, "/cls/predictions/transform/act"), "cls.predictions.transform.LayerNorm", "shared", config, "/cls/predictions/transform/LayerNorm", ones, zeros);
  const decoded = graph.op("MatMul", [transformed, normal("cls.predictions.decoder.weight", [hiddenSize, vocabSize], "shared")], "/cls/predictions/decoder/MatMul");
  graph.rename(graph.op("Add", [decoded, zeros("cls.predictions.decoder.bias", vocabSize, "shared")], "/cls/predictions/decoder"), "logits");
  graph.outputs.push(graph.value("logits", ONNX_DATA_TYPE.FLOAT, ["batch", "sequence", vocabSize]));
  graph.outputs.push(graph.value("last_hidden_state", ONNX_DATA_TYPE.FLOAT, ["batch", "sequence", hiddenSize]));

  // The graph, config.json and the tokenizer.
  const dataBytes = sink.close();
  const doc = `DNABERT-2-117M-shaped encoder with random weights (seed ${seed}), generated by bench/models/dnabert2-encoder.ts.`;
  const graphBytes = writeOnnx(graph.model("dnabert2-encoder", 17, doc), directory, onnxFile);
  fs.writeFileSync(path.join(directory, "config.json"), `${JSON.stringify(bertConfigJson(config), null, 2)}\n`);
  writeTokenizerFiles(directory);
  return { directory, onnxPath: path.join(directory, onnxFile), parameters: dnabert2ParameterCount(config), graphBytes, dataBytes, seconds: (performance.now() - started) / 1000 };
}

/**
 * ALiBi biases plus the padding mask, `[batch, heads, sequence, sequence]`: -slope_h * |i - j|
 * with slopes 2^(-8 h / heads) for h = 1..heads, and -1e9 at padded keys.
 */
function attentionBias(graph: GraphBuilder, config: Dnabert2EncoderConfig): string {
  const scope = "/bert/encoder/alibi";
  const shape = graph.op("Shape", ["input_ids"], scope);
  const length = graph.op("Gather", [shape, graph.int64([1], [])], scope, { axis: 0 });
  const positions = graph.op("Range", [graph.int64([0], []), length, graph.int64([1], [])], scope);
  const distance = graph.op("Abs", [graph.op("Sub", [graph.op("Unsqueeze", [positions, graph.int64([0])], scope), graph.op("Unsqueeze", [positions, graph.int64([1])], scope)], scope)], scope);
  const slopes = Array.from({ length: config.heads }, (_, h) => -Math.pow(2, (-8 * (h + 1)) / config.heads));
  const alibi = graph.op("Mul", [graph.op("Cast", [distance], scope, { to: ONNX_DATA_TYPE.FLOAT }), graph.float(slopes, [config.heads, 1, 1])], scope);
  const keep = graph.op("Cast", ["attention_mask"], scope, { to: ONNX_DATA_TYPE.FLOAT });
  const padding = graph.op("Mul", [graph.op("Sub", [graph.float([1], []), keep], scope), graph.float([-1e9], [])], scope);
  return graph.op("Add", [alibi, graph.op("Unsqueeze", [padding, graph.int64([1, 2])], scope)], scope);
}

/** LayerNormalization over the last axis, with scale 1 and bias 0. */
function layerNorm(
  graph: GraphBuilder,
  x: string,
  prefix: string,
  group: string,
  config: Dnabert2EncoderConfig,
  scope: string,
  ones: (name: string, group: string) => string,
  zeros: (name: string, length: number, group: string) => string,
): string {
  return graph.op("LayerNormalization", [x, ones(`${prefix}.weight`, group), zeros(`${prefix}.bias`, config.hiddenSize, group)], scope, { axis: -1, epsilon: { float: config.layerNormEps } });
}

/** Exact GELU: 0.5 x (1 + erf(x / sqrt(2))). */
function gelu(graph: GraphBuilder, x: string, scope: string): string {
  const erf = graph.op("Erf", [graph.op("Mul", [x, graph.float([Math.SQRT1_2], [])], scope)], scope);
  return graph.op("Mul", [graph.op("Mul", [x, graph.float([0.5], [])], scope), graph.op("Add", [erf, graph.float([1], [])], scope)], scope);
}

/** Copies DNABERT-2's tokenizer (without the fine-tune's truncation and padding) and a tokenizer_config.json. */
function writeTokenizerFiles(directory: string): void {
  fs.copyFileSync(path.join(TOKENIZER_DIR, "tokenizer.normalized.json"), path.join(directory, "tokenizer.json"));
  fs.copyFileSync(path.join(TOKENIZER_DIR, "special_tokens_map.json"), path.join(directory, "special_tokens_map.json"));
  const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(TOKENIZER_DIR, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(path.join(directory, "tokenizer_config.json"), `${JSON.stringify({ ...tokenizerConfig, model_max_length: MODEL_MAX_LENGTH }, null, 2)}\n`);
}

/** config.json in the shape of DNABERT-2's. */
function bertConfigJson(config: Dnabert2EncoderConfig): Record<string, unknown> {
  return {
    architectures: ["BertForMaskedLM"],
    model_type: "bert",
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    intermediate_size: config.intermediateSize,
    hidden_act: "gelu",
    position_embedding_type: "alibi",
    alibi_starting_size: MODEL_MAX_LENGTH,
    max_position_embeddings: MODEL_MAX_LENGTH,
    type_vocab_size: 2,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: 3,
    torch_dtype: "float32",
    dnaquant_generated: { generator: "bench/models/dnabert2-encoder.ts", seed: config.seed, weight_std: config.weightStd },
  };
}

async function main(): Promise<void> {
  const out = path.resolve(stringOption("out", path.join("bench", "out", "models", "dnabert2-117m-shaped")));
  const storage = stringOption("storage", "inline") as WeightStorage;
  if (!WEIGHT_STORAGES.includes(storage)) throw new RangeError(`--storage must be one of ${WEIGHT_STORAGES.join(", ")}, got ${storage}.`);
  const config: Dnabert2EncoderConfig = { ...DNABERT2_117M_SHAPE, layers: integerOption("layers", DNABERT2_117M_SHAPE.layers), seed: integerOption("seed", DNABERT2_117M_SHAPE.seed) };
  const result = writeDnabert2Encoder(out, config, storage);
  console.log(
    `Wrote ${result.onnxPath}: ${(result.parameters / 1e6).toFixed(1)} M parameters, graph ${result.graphBytes} bytes, external data ${result.dataBytes} bytes, in ${result.seconds.toFixed(1)} s.`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
