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

/** One window of a long sequence: special tokens around a slice of its content tokens. */
export interface TokenWindow {
  ids: number[];
  /** Index of the window's first content token among the sequence's content tokens. */
  contentStart: number;
  /** Number of leading special tokens before the content. */
  prefixLength: number;
  /** Number of content tokens in the window. */
  contentLength: number;
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
  private readonly specialIds: Set<number>;
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
    const addedTokens = this.tokenizer.get_added_tokens_decoder();
    this.specialTokens = [...addedTokens.values()].map((token) => token.content);
    this.specialIds = new Set([...addedTokens.entries()].filter(([, token]) => token.special).map(([id]) => id));
    if (this.maskTokenId !== undefined) this.specialIds.delete(this.maskTokenId);

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
    return this.padBatch(ids);
  }

  /**
   * Splits encoded ids that exceed {@link modelMaxLength} into overlapping windows of at most
   * that length. Each window repeats the sequence's leading and trailing special tokens (such as
   * `[CLS]` and `[SEP]`) around a slice of the content tokens.
   * @param overlap content tokens shared by neighbouring windows (default a quarter of a window).
   */
  splitIntoWindows(ids: readonly number[], overlap?: number): TokenWindow[] {
    let prefix = 0;
    while (prefix < ids.length && this.specialIds.has(ids[prefix]!)) prefix++;
    let suffix = 0;
    while (suffix < ids.length - prefix && this.specialIds.has(ids[ids.length - 1 - suffix]!)) suffix++;
    const content = ids.slice(prefix, ids.length - suffix);
    const head = ids.slice(0, prefix);
    const tail = ids.slice(ids.length - suffix);
    const width = this.modelMaxLength - prefix - suffix;
    if (ids.length <= this.modelMaxLength) return [{ ids: [...ids], contentStart: 0, prefixLength: prefix, contentLength: content.length }];
    if (width < 2) throw new RangeError(`The model maximum length ${this.modelMaxLength} leaves no room for content tokens.`);

    const shared = overlap ?? Math.floor(width / 4);
    if (!Number.isInteger(shared) || shared < 0 || shared >= width) {
      throw new RangeError(`windowOverlap must be an integer from 0 to ${width - 1} tokens, got ${String(overlap)}.`);
    }
    const windows: TokenWindow[] = [];
    for (let start = 0; ; start += width - shared) {
      const slice = content.slice(start, start + width);
      windows.push({ ids: [...head, ...slice, ...tail], contentStart: start, prefixLength: prefix, contentLength: slice.length });
      if (start + width >= content.length) break;
    }
    return windows;
  }

  /** Right-pads token id lists into one batch with attention mask and token type ids. */
  padBatch(ids: readonly (readonly number[])[]): EncodedBatch {
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
    return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength, lengths: ids.map((tokens) => tokens.length), ids: ids.map((tokens) => [...tokens]) };
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Failed to read ${file}: ${(error as Error).message}. The file must be valid JSON.`);
  }
}
