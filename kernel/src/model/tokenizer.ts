/**
 * DNA tokenizer: a Hugging Face `tokenizer.json` loaded with @huggingface/tokenizers, with DNA
 * normalization in front and batching (padding, attention mask, truncation) behind.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import type { Tokenizer as HuggingFaceTokenizer } from "@huggingface/tokenizers" with { "resolution-mode": "import" };

import { IUPAC_NUCLEOTIDE_CODES, normalizeDnaSequence } from "./dna";

// The package is ESM-first but ships a CommonJS build under its "require" export condition.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require("@huggingface/tokenizers") as { Tokenizer: typeof HuggingFaceTokenizer };

/** Token ids of one batch, row-major `[batchSize, sequenceLength]`, ready for onnxruntime. */
export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batchSize: number;
  sequenceLength: number;
  /** Number of real (unpadded) tokens of each sequence. */
  lengths: number[];
  /** Token ids of each sequence without padding. */
  ids: number[][];
}

/** Options of {@link DnaTokenizer.encodeBatch}. */
export interface EncodeBatchOptions {
  /** Index of the first sequence in the caller's list, for error messages. */
  firstIndex?: number;
  /** Receives a message for each sequence that was truncated. */
  warn?: (message: string) => void;
}

/** Tokenizer files read from a model directory. */
export interface TokenizerFiles {
  tokenizerJson: string;
  tokenizerConfigJson?: string;
}

/** A DNA tokenizer with the model's special tokens and maximum length. */
export class DnaTokenizer {
  /** Id of `[PAD]`, used to pad batches. */
  readonly padTokenId: number;
  /** Id of `[MASK]`, or undefined when the vocabulary has none. */
  readonly maskTokenId: number | undefined;
  /** The mask token string, such as `[MASK]`. */
  readonly maskToken: string;
  /** Maximum number of tokens per sequence, special tokens included. */
  readonly modelMaxLength: number;
  /** Vocabulary size, added tokens included. */
  readonly vocabSize: number;

  private readonly tokenizer: HuggingFaceTokenizer;
  private readonly specialTokens: string[];
  /** Maps each IUPAC code without a single-character token to `N` when the vocabulary has `N`. */
  private readonly baseMap: Map<string, string>;

  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>, source: string) {
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new Error(`Failed to load tokenizer ${source}: ${(error as Error).message}. Check that it is a Hugging Face tokenizer.json.`);
    }
    const vocab = this.tokenizer.get_vocab(true);
    this.vocabSize = vocab.size;
    this.maskToken = typeof tokenizerConfig.mask_token === "string" ? tokenizerConfig.mask_token : "[MASK]";
    this.maskTokenId = this.tokenizer.token_to_id(this.maskToken);
    const padToken = typeof tokenizerConfig.pad_token === "string" ? tokenizerConfig.pad_token : "[PAD]";
    this.padTokenId = this.tokenizer.token_to_id(padToken) ?? 0;
    const maxLength = Number(tokenizerConfig.model_max_length);
    this.modelMaxLength = Number.isInteger(maxLength) && maxLength > 0 && maxLength < 1e9 ? maxLength : 512;
    this.specialTokens = [...this.tokenizer.get_added_tokens_decoder().values()].map((token) => token.content);

    this.baseMap = new Map();
    for (const code of IUPAC_NUCLEOTIDE_CODES) {
      if (!vocab.has(code) && vocab.has("N")) this.baseMap.set(code, "N");
    }
  }

  /**
   * Loads `tokenizer.json` and, when present, `tokenizer_config.json` from a directory.
   * @throws Error naming the missing or unreadable file.
   */
  static fromDirectory(directory: string): DnaTokenizer {
    const tokenizerPath = path.join(directory, "tokenizer.json");
    if (!fs.existsSync(tokenizerPath)) {
      throw new Error(
        `No tokenizer.json in ${directory}. Copy the model's tokenizer files there (in Python: AutoTokenizer.from_pretrained(...).save_pretrained(directory)).`,
      );
    }
    const configPath = path.join(directory, "tokenizer_config.json");
    const tokenizerJson = readJson(tokenizerPath);
    const tokenizerConfig = fs.existsSync(configPath) ? readJson(configPath) : {};
    return new DnaTokenizer(tokenizerJson, tokenizerConfig, tokenizerPath);
  }

  /** Returns the token string of an id. */
  idToToken(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `[id ${id}]`;
  }

  /** Returns the id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Normalizes one DNA sequence (upper case, IUPAC check, ambiguity codes the vocabulary lacks
   * mapped to `N`) and returns it as the tokenizer will see it.
   */
  normalize(sequence: unknown, index = 0): string {
    const upper = normalizeDnaSequence(sequence, index, { specialTokens: this.specialTokens });
    if (this.baseMap.size === 0) return upper;
    let out = "";
    for (let position = 0; position < upper.length; position++) {
      const special = this.specialTokens.find((token) => upper.startsWith(token, position));
      if (special) {
        out += special;
        position += special.length - 1;
        continue;
      }
      const base = upper[position]!;
      out += this.baseMap.get(base) ?? base;
    }
    return out;
  }

  /** Encodes one sequence to token ids with the special tokens of the model (such as `[CLS]` and `[SEP]`). */
  encode(sequence: unknown, index = 0): number[] {
    return this.tokenizer.encode(this.normalize(sequence, index)).ids;
  }

  /**
   * Encodes sequences into one right-padded batch. A sequence longer than
   * {@link modelMaxLength} tokens keeps its first tokens and its final special token, and a
   * warning names it.
   */
  encodeBatch(sequences: readonly unknown[], options: EncodeBatchOptions = {}): EncodedBatch {
    const { firstIndex = 0, warn } = options;
    const ids = sequences.map((sequence, offset) => {
      const tokens = this.encode(sequence, firstIndex + offset);
      if (tokens.length <= this.modelMaxLength) return tokens;
      warn?.(
        `Sequence ${firstIndex + offset} has ${tokens.length} tokens, more than the model maximum ${this.modelMaxLength}; it was truncated to the first ${this.modelMaxLength}.`,
      );
      return [...tokens.slice(0, this.modelMaxLength - 1), tokens[tokens.length - 1]!];
    });

    const batchSize = ids.length;
    const sequenceLength = Math.max(...ids.map((tokens) => tokens.length));
    const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(this.padTokenId));
    const attentionMask = new BigInt64Array(batchSize * sequenceLength);
    const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
    ids.forEach((tokens, row) => {
      tokens.forEach((id, column) => {
        inputIds[row * sequenceLength + column] = BigInt(id);
        attentionMask[row * sequenceLength + column] = 1n;
      });
    });
    return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength, lengths: ids.map((tokens) => tokens.length), ids };
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Failed to read ${file}: ${(error as Error).message}. The file must be valid JSON.`);
  }
}
