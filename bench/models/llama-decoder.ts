/**
 * Generates a Llama-architecture decoder with random weights, by default of the size of
 * GENERator-eukaryote-1.2b. It has hidden size 2048, 24 layers, 32 heads of 64, a SwiGLU MLP of
 * 5632, vocabulary 4128, RMSNorm, rotary positions and an untied lm_head: 1.25 B parameters,
 * 5.0 GB in float32. The weights are seeded normal values with standard deviation 0.02, about
 * that of trained linear weights, and norm weights are 1. They are written tensor by tensor to
 * external data, so that the generator keeps one weight in memory at a time.
 *
 * The graph uses standard ONNX operators of opset 17: input_ids and attention_mask `[batch,
 * sequence]` int64 in, logits `[batch, sequence, vocab]` float32 out, with a causal mask plus the
 * padding mask. Linear weights are MatMul B inputs `[in_features, out_features]`, as PyTorch
 * exports them. It computes like a language model but predicts nothing useful.
 *
 * Usage:
 *   node --import tsx bench/models/llama-decoder.ts [--out bench/out/models/generator-1.2b-shaped]
 *     [--layers 24] [--hidden 2048] [--intermediate 5632] [--heads 32] [--storage external]
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { ONNX_DATA_TYPE } from "../../kernel/src/onnx";

import { integerOption, seededNormal, stringOption } from "../measure";
import { filled, GraphBuilder, tensorSeed, WEIGHT_STORAGES, WeightSink, writeOnnx, type GeneratedModel, type WeightStorage } from "./graph-builder";

/** Shape and initialization of a generated decoder. */
export interface LlamaDecoderConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  /** Rows of the rotary cos and sin tables: the longest sequence the graph accepts. */
  maxPositions: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Standard deviation of the linear and embedding weights. */
  weightStd: number;
  seed: number;
}

/** GENERator-eukaryote-1.2b's shape as given for this benchmark, with 4096 positions. */
export const GENERATOR_1_2B_SHAPE: Readonly<LlamaDecoderConfig> = Object.freeze({
  vocabSize: 4128,
  hiddenSize: 2048,
  layers: 24,
  heads: 32,
  intermediateSize: 5632,
  maxPositions: 4096,
  rmsNormEps: 1e-6,
  ropeTheta: 500000,
  weightStd: 0.02,
  seed: 1,
});

/** Returns the number of weights of a decoder of this shape (the rotary tables excluded). */
export function llamaParameterCount(config: LlamaDecoderConfig): number {
  const { vocabSize: v, hiddenSize: h, intermediateSize: m, layers } = config;
  return 2 * v * h + layers * (4 * h * h + 3 * h * m + 2 * h) + h;
}

/**
 * Writes the decoder into `directory` as `model.onnx` with its weights stored as `storage` requests,
 * plus config.json. The directory is created; existing files of the same names are replaced.
 */
export function writeLlamaDecoder(directory: string, config: LlamaDecoderConfig = GENERATOR_1_2B_SHAPE, storage: WeightStorage = "external"): GeneratedModel {
  const started = performance.now();
  const { vocabSize, hiddenSize, layers, heads, intermediateSize, weightStd, seed } = config;
  if (hiddenSize % heads !== 0 || (hiddenSize / heads) % 2 !== 0) {
    throw new RangeError(`hidden size ${hiddenSize} must split into ${heads} heads of an even size.`);
  }
  fs.mkdirSync(directory, { recursive: true });
  const onnxFile = "model.onnx";
  const sink = new WeightSink(storage, directory, onnxFile);
  const graph = new GraphBuilder(sink);
  const normal = (name: string, dims: number[], group: string) => graph.weight(name, dims, seededNormal(dims[0]! * dims[1]!, tensorSeed(seed, name), weightStd), group);

  // Inputs, and the values every layer shares: sequence length, rotary tables, attention mask.
  graph.inputs.push(graph.value("input_ids", ONNX_DATA_TYPE.INT64, ["batch", "sequence"]));
  graph.inputs.push(graph.value("attention_mask", ONNX_DATA_TYPE.INT64, ["batch", "sequence"]));
  const shared = sharedValues(graph, config);

  // Token embeddings.
  const embeddings = normal("model.embed_tokens.weight", [vocabSize, hiddenSize], "shared");
  let hidden = graph.op("Gather", [embeddings, "input_ids"], "/model/embed_tokens");

  for (let layer = 0; layer < layers; layer++) {
    const scope = `/model/layers.${layer}`;
    const prefix = `model.layers.${layer}`;
    const group = `layer-${String(layer).padStart(2, "0")}`;

    // Self-attention with rotary positions on q and k, then the residual.
    const normed = rmsNorm(graph, hidden, graph.weight(`${prefix}.input_layernorm.weight`, [hiddenSize], filled(hiddenSize, 1), group), config, `${scope}/input_layernorm`);
    const project = (name: string) => graph.op("MatMul", [normed, normal(`${prefix}.self_attn.${name}.weight`, [hiddenSize, hiddenSize], group)], `${scope}/self_attn/${name}`);
    const q = rotary(graph, splitHeads(graph, project("q_proj"), config, `${scope}/self_attn/q`), shared, config, `${scope}/self_attn/q_rotary`);
    const k = rotary(graph, splitHeads(graph, project("k_proj"), config, `${scope}/self_attn/k`), shared, config, `${scope}/self_attn/k_rotary`);
    const v = splitHeads(graph, project("v_proj"), config, `${scope}/self_attn/v`);
    const keysT = graph.op("Transpose", [k], `${scope}/self_attn`, { perm: [0, 1, 3, 2] });
    const scores = graph.op("Mul", [graph.op("MatMul", [q, keysT], `${scope}/self_attn/scores`), graph.float([1 / Math.sqrt(hiddenSize / heads)], [])], `${scope}/self_attn`);
    const weights = graph.op("Softmax", [graph.op("Add", [scores, shared.mask], `${scope}/self_attn`)], `${scope}/self_attn`, { axis: -1 });
    const context = graph.op("MatMul", [weights, v], `${scope}/self_attn/context`);
    const merged = graph.op("Reshape", [graph.op("Transpose", [context], `${scope}/self_attn`, { perm: [0, 2, 1, 3] }), graph.int64([0, 0, hiddenSize])], `${scope}/self_attn`);
    const attention = graph.op("MatMul", [merged, normal(`${prefix}.self_attn.o_proj.weight`, [hiddenSize, hiddenSize], group)], `${scope}/self_attn/o_proj`);
    hidden = graph.op("Add", [hidden, attention], scope);

    // SwiGLU MLP: down(silu(gate(x)) * up(x)), then the residual.
    const mlpIn = rmsNorm(graph, hidden, graph.weight(`${prefix}.post_attention_layernorm.weight`, [hiddenSize], filled(hiddenSize, 1), group), config, `${scope}/post_attention_layernorm`);
    const gate = graph.op("MatMul", [mlpIn, normal(`${prefix}.mlp.gate_proj.weight`, [hiddenSize, intermediateSize], group)], `${scope}/mlp/gate_proj`);
    const up = graph.op("MatMul", [mlpIn, normal(`${prefix}.mlp.up_proj.weight`, [hiddenSize, intermediateSize], group)], `${scope}/mlp/up_proj`);
    const silu = graph.op("Mul", [gate, graph.op("Sigmoid", [gate], `${scope}/mlp/act_fn`)], `${scope}/mlp/act_fn`);
    const product = graph.op("Mul", [silu, up], `${scope}/mlp`);
    const down = graph.op("MatMul", [product, normal(`${prefix}.mlp.down_proj.weight`, [intermediateSize, hiddenSize], group)], `${scope}/mlp/down_proj`);
    hidden = graph.op("Add", [hidden, down], `${scope}/mlp`);
  }

  // Final norm and the language-model head.
  const final = rmsNorm(graph, hidden, graph.weight("model.norm.weight", [hiddenSize], filled(hiddenSize, 1), "shared"), config, "/model/norm");
  const logits = graph.op("MatMul", [final, normal("lm_head.weight", [hiddenSize, vocabSize], "shared")], "/lm_head");
  graph.rename(logits, "logits");
  graph.outputs.push(graph.value("logits", ONNX_DATA_TYPE.FLOAT, ["batch", "sequence", vocabSize]));

  const dataBytes = sink.close();
  const doc = `Llama-architecture decoder with random weights (seed ${seed}), generated by bench/models/llama-decoder.ts.`;
  const graphBytes = writeOnnx(graph.model("llama-decoder", 17, doc), directory, onnxFile);
  fs.writeFileSync(path.join(directory, "config.json"), `${JSON.stringify(llamaConfigJson(config), null, 2)}\n`);
  return { directory, onnxPath: path.join(directory, onnxFile), parameters: llamaParameterCount(config), graphBytes, dataBytes, seconds: (performance.now() - started) / 1000 };
}

/** Values computed once per run: the sequence length, rotary tables and the attention mask. */
interface SharedValues {
  /** cos and sin `[sequence, headDim]`. */
  cos: string;
  sin: string;
  /** float32 `[batch, 1, sequence, sequence]`: 0 where attention is allowed, -1e9 elsewhere. */
  mask: string;
}

function sharedValues(graph: GraphBuilder, config: LlamaDecoderConfig): SharedValues {
  const { maxPositions, heads, hiddenSize, ropeTheta } = config;
  const headDim = hiddenSize / heads;
  const scope = "/model";

  // Sequence length as a scalar and as a [1] tensor.
  const shape = graph.op("Shape", ["input_ids"], scope);
  const length = graph.op("Gather", [shape, graph.int64([1], [])], scope, { axis: 0 });
  const lengthVector = graph.op("Unsqueeze", [length, graph.int64([0])], scope);

  // Rotary tables: angle p * theta^(-2i / d) for position p and frequency i, repeated for both halves.
  const cosTable = new Float32Array(maxPositions * headDim);
  const sinTable = new Float32Array(maxPositions * headDim);
  for (let position = 0; position < maxPositions; position++) {
    for (let i = 0; i < headDim / 2; i++) {
      const angle = position * Math.pow(ropeTheta, (-2 * i) / headDim);
      for (const column of [i, i + headDim / 2]) {
        cosTable[position * headDim + column] = Math.cos(angle);
        sinTable[position * headDim + column] = Math.sin(angle);
      }
    }
  }
  const slice = (table: string) => graph.op("Slice", [table, graph.int64([0]), lengthVector, graph.int64([0])], `${scope}/rotary_emb`);
  const cos = slice(graph.inlineTensor("model.rotary_emb.cos", [maxPositions, headDim], cosTable));
  const sin = slice(graph.inlineTensor("model.rotary_emb.sin", [maxPositions, headDim], sinTable));

  // Causal mask [sequence, sequence] plus the padding mask [batch, 1, 1, sequence].
  const positions = graph.op("Range", [graph.int64([0], []), length, graph.int64([1], [])], scope);
  const rows = graph.op("Unsqueeze", [positions, graph.int64([1])], scope);
  const columns = graph.op("Unsqueeze", [positions, graph.int64([0])], scope);
  const future = graph.op("Greater", [columns, rows], scope);
  const causal = graph.op("Where", [future, graph.float([-1e9], []), graph.float([0], [])], scope);
  const keep = graph.op("Cast", ["attention_mask"], scope, { to: ONNX_DATA_TYPE.FLOAT });
  const padding = graph.op("Mul", [graph.op("Sub", [graph.float([1], []), keep], scope), graph.float([-1e9], [])], scope);
  const paddingMask = graph.op("Unsqueeze", [padding, graph.int64([1, 2])], scope);
  const mask = graph.op("Add", [causal, paddingMask], scope);
  return { cos, sin, mask };
}

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight. */
function rmsNorm(graph: GraphBuilder, x: string, weight: string, config: LlamaDecoderConfig, scope: string): string {
  const meanSquare = graph.op("ReduceMean", [graph.op("Mul", [x, x], scope)], scope, { axes: [-1], keepdims: 1 });
  const rms = graph.op("Sqrt", [graph.op("Add", [meanSquare, graph.float([config.rmsNormEps], [])], scope)], scope);
  return graph.op("Mul", [graph.op("Div", [x, rms], scope), weight], scope);
}

/** `[batch, sequence, hidden]` to `[batch, heads, sequence, headDim]`. */
function splitHeads(graph: GraphBuilder, x: string, config: LlamaDecoderConfig, scope: string): string {
  const headDim = config.hiddenSize / config.heads;
  const reshaped = graph.op("Reshape", [x, graph.int64([0, 0, config.heads, headDim])], scope);
  return graph.op("Transpose", [reshaped], scope, { perm: [0, 2, 1, 3] });
}

/** Rotary position embedding of `[batch, heads, sequence, headDim]`: x * cos + rotate_half(x) * sin. */
function rotary(graph: GraphBuilder, x: string, shared: SharedValues, config: LlamaDecoderConfig, scope: string): string {
  const half = config.hiddenSize / config.heads / 2;
  const first = graph.op("Slice", [x, graph.int64([0]), graph.int64([half]), graph.int64([3])], scope);
  const second = graph.op("Slice", [x, graph.int64([half]), graph.int64([2 * half]), graph.int64([3])], scope);
  const rotated = graph.op("Concat", [graph.op("Neg", [second], scope), first], scope, { axis: 3 });
  return graph.op("Add", [graph.op("Mul", [x, shared.cos], scope), graph.op("Mul", [rotated, shared.sin], scope)], scope);
}

/** config.json in the shape transformers writes for Llama models. */
function llamaConfigJson(config: LlamaDecoderConfig): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.heads,
    max_position_embeddings: config.maxPositions,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    hidden_act: "silu",
    tie_word_embeddings: false,
    torch_dtype: "float32",
    dnaquant_generated: { generator: "bench/models/llama-decoder.ts", seed: config.seed, weight_std: config.weightStd },
  };
}

async function main(): Promise<void> {
  const out = path.resolve(stringOption("out", path.join("bench", "out", "models", "generator-1.2b-shaped")));
  const storage = stringOption("storage", "external") as WeightStorage;
  if (!WEIGHT_STORAGES.includes(storage)) throw new RangeError(`--storage must be one of ${WEIGHT_STORAGES.join(", ")}, got ${storage}.`);
  const config: LlamaDecoderConfig = {
    ...GENERATOR_1_2B_SHAPE,
    layers: integerOption("layers", GENERATOR_1_2B_SHAPE.layers),
    hiddenSize: integerOption("hidden", GENERATOR_1_2B_SHAPE.hiddenSize),
    intermediateSize: integerOption("intermediate", GENERATOR_1_2B_SHAPE.intermediateSize),
    heads: integerOption("heads", GENERATOR_1_2B_SHAPE.heads),
    seed: integerOption("seed", GENERATOR_1_2B_SHAPE.seed),
  };
  const result = writeLlamaDecoder(out, config, storage);
  console.log(
    `Wrote ${result.onnxPath}: ${(result.parameters / 1e9).toFixed(3)} B parameters, graph ${result.graphBytes} bytes, external data ${(result.dataBytes / 1e9).toFixed(2)} GB, in ${result.seconds.toFixed(1)} s.`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
