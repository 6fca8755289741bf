/**
 * `quantizationConfig`: a BitsAndBytesConfig-style object, as DNALLM and transformers users write
 * it, mapped to dnaquant's load options.
 */

/** The keys of transformers' BitsAndBytesConfig that map to dnaquant options. */
export interface BitsAndBytesConfigLike {
  load_in_8bit?: boolean;
  load_in_4bit?: boolean;
  /** `"nf4"` or `"fp4"`. */
  bnb_4bit_quant_type?: string;
  bnb_4bit_use_double_quant?: boolean;
  /** Accepted for compatibility; onnxruntime's CPU kernels compute in float32. */
  bnb_4bit_compute_dtype?: string;
  /** Module names or patterns kept in fp32, such as `["classifier"]`. */
  llm_int8_skip_modules?: string[] | null;
  /** Outlier threshold for LLM.int8() analysis (default 6.0). */
  llm_int8_threshold?: number;
  [key: string]: unknown;
}

/** The dnaquant options a BitsAndBytesConfig maps to. */
export interface MappedQuantizationConfig {
  loadIn8bit?: boolean;
  loadIn4bit?: boolean;
  quantType?: "nf4" | "fp4";
  doubleQuant?: boolean;
  skipModules?: string[];
  int8Threshold?: number;
}

/** Keys that are accepted and ignored because they have no meaning here, with the reason. */
const IGNORED_KEYS: Readonly<Record<string, string>> = Object.freeze({
  quant_method: "it only names bitsandbytes",
  bnb_4bit_quant_storage: "packed 4-bit codes are always stored as uint8",
  llm_int8_enable_fp32_cpu_offload: "everything already runs on the CPU",
  llm_int8_has_fp16_weight: "it applies to training with fp16 master weights",
});

/** Compute dtypes accepted without a warning. */
const FLOAT32_DTYPES = new Set(["float32", "torch.float32", "fp32"]);

/**
 * Maps a BitsAndBytesConfig-style object to load options. Serialized configs (`_load_in_4bit`)
 * are accepted too.
 * @throws TypeError for a value of the wrong type, RangeError for an unknown key or value.
 */
export function mapQuantizationConfig(config: unknown, warn: (message: string) => void): MappedQuantizationConfig {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new TypeError("quantizationConfig must be an object such as { load_in_4bit: true, bnb_4bit_quant_type: \"nf4\" }.");
  }
  const mapped: MappedQuantizationConfig = {};
  for (const [rawKey, value] of Object.entries(config)) {
    const key = rawKey.startsWith("_load_in_") ? rawKey.slice(1) : rawKey;
    switch (key) {
      case "load_in_8bit":
        mapped.loadIn8bit = booleanValue(key, value);
        break;
      case "load_in_4bit":
        mapped.loadIn4bit = booleanValue(key, value);
        break;
      case "bnb_4bit_quant_type":
        if (value !== "nf4" && value !== "fp4") throw new RangeError(`bnb_4bit_quant_type must be "nf4" or "fp4", got ${JSON.stringify(value)}.`);
        mapped.quantType = value;
        break;
      case "bnb_4bit_use_double_quant":
        mapped.doubleQuant = booleanValue(key, value);
        break;
      case "bnb_4bit_compute_dtype":
        if (value !== null && value !== undefined && !FLOAT32_DTYPES.has(String(value))) {
          warn(`bnb_4bit_compute_dtype ${JSON.stringify(value)} is ignored: onnxruntime's CPU kernels dequantize and multiply in float32.`);
        }
        break;
      case "llm_int8_skip_modules":
        if (value === null || value === undefined) break;
        if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
          throw new TypeError(`llm_int8_skip_modules must be a list of module names, got ${JSON.stringify(value)}.`);
        }
        mapped.skipModules = [...value];
        break;
      case "llm_int8_threshold":
        if (typeof value !== "number" || !(value > 0)) throw new RangeError(`llm_int8_threshold must be a positive number, got ${JSON.stringify(value)}.`);
        mapped.int8Threshold = value;
        warn(
          `llm_int8_threshold ${value} sets the threshold of analyzeActivationOutliers; the INT8 kernels quantize all activations to 8 bits and do not keep outlier features in 16 bits as LLM.int8() does.`,
        );
        break;
      default:
        if (key in IGNORED_KEYS) {
          warn(`quantizationConfig.${rawKey} is ignored: ${IGNORED_KEYS[key]}.`);
          break;
        }
        throw new RangeError(
          `quantizationConfig has an unknown key "${rawKey}". Known keys: load_in_8bit, load_in_4bit, bnb_4bit_quant_type, bnb_4bit_use_double_quant, bnb_4bit_compute_dtype, llm_int8_skip_modules, llm_int8_threshold.`,
        );
    }
  }
  return mapped;
}

function booleanValue(key: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${key} must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}
