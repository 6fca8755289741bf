/**
 * `resolveHubModel`: turns a Hugging Face model id into a folder of model files, from the local
 * hub cache when it has them, else by downloading them into that cache.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import type { ModelFiles } from "../model-files";
import { RepoCache, isSafeRepoPath } from "./cache-layout";
import type { DownloadProgressCallback } from "./download-progress";
import { downloadRepoFile, fetchRepoListing, type HubClient, type RepoListing } from "./hub-client";
import { HubModelError } from "./hub-errors";
import {
  offlineVariable,
  resolveHubCacheDir,
  resolveHubEndpoint,
  resolveHubTimeout,
  resolveHubToken,
  type HubEnvironment,
} from "./hub-settings";
import { DEFAULT_REVISION, parseHubModelId, validateRevision } from "./model-id";
import { HUB_ONNX_CANDIDATES, TOKENIZER_FILE, listOnnxFiles, listSnapshotFiles, planModelFiles, type ModelFilePlan } from "./repo-files";

/**
 * Options of {@link resolveHubModel}. Each option beats its environment variable, and the
 * variable beats the default.
 */
export interface ResolveHubModelOptions {
  /** Branch, tag or 40-digit commit hash (default `"main"`). */
  revision?: string;
  /**
   * The ONNX graph in the repository, `/`-separated, such as `"onnx/model_quantized.onnx"`
   * (default: the first of `model.onnx` and `onnx/model.onnx` that the repository has).
   */
  onnxFile?: string;
  /**
   * The hub cache folder. Default: `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else
   * `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
   */
  cacheDir?: string;
  /**
   * Use only the cache and never contact the hub. Default: true when `HF_HUB_OFFLINE` or
   * `TRANSFORMERS_OFFLINE` is 1, ON, YES or TRUE (any case), else false.
   */
  offline?: boolean;
  /** Hub base URL. Default: `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /**
   * Access token for private and gated models, sent as `Authorization: Bearer …` to the hub's
   * origin only; `false` sends none. Default: `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`, else
   * huggingface_hub's stored token file, `HF_TOKEN_PATH` or `$HF_HOME/token`.
   */
  token?: string | false;
  /**
   * Milliseconds to wait for a response from the hub, and between two pieces of a download.
   * Default: `HF_HUB_DOWNLOAD_TIMEOUT` (seconds), else 10 000.
   */
  timeout?: number;
  /** Receives the progress of each downloaded file (default: none; the library prints nothing). */
  onProgress?: DownloadProgressCallback;
  /** Receives warnings, such as falling back to the cache when the hub cannot be reached (default: dropped). */
  warn?: (message: string) => void;
  /** Environment variables to read (default: `process.env`). */
  env?: HubEnvironment;
}

// Named in messages when offline mode comes from the option rather than an environment variable.
const OFFLINE_OPTION = "the offline option";

/** The files of a model resolved from the hub cache; paths are inside the snapshot folder. */
export interface HubModelFiles extends ModelFiles {
  /** The model id, such as `owner/name`. */
  modelId: string;
  /** The revision that was asked for. */
  revision: string;
  /** The commit the revision resolved to. */
  commit: string;
  /**
   * The snapshot folder `<cache>/models--owner--name/snapshots/<commit>`. Its entries are
   * symlinks into blobs/; open them by these paths, because external data is looked up next to
   * the graph by file name.
   */
  directory: string;
  /** The ONNX graph in the snapshot. */
  onnxPath: string;
  /** External data files of the graph in the snapshot, in chunk order (often none). */
  externalDataPaths: string[];
  /** Repository paths of the files downloaded by this call; empty when the cache had them all. */
  downloaded: string[];
}

/**
 * Resolves a Hugging Face model id to a folder with the files the loader needs:
 * `tokenizer.json` (required), `config.json`, `tokenizer_config.json` and
 * `special_tokens_map.json` (when the repository has them), one ONNX graph and its external data.
 *
 * Steps: validate the arguments, then read the settings (options beat environment variables,
 * which beat defaults). A complete snapshot in the cache is used without contacting the hub.
 * Offline, the cache has to do. Online, the hub gives the revision's commit and file list, the
 * missing files are downloaded into the cache, and the optional files the repository lacks are
 * recorded.
 *
 * NOTE: unlike huggingface_hub, which asks the hub about a branch on every call, a complete
 * cached snapshot of a branch is used without asking whether the branch has moved. To get a
 * newer commit, pass its hash as `revision` or delete `refs/<revision>` in the cache.
 *
 * @param modelId `name` or `owner/name`, such as `zhihan1996/DNABERT-2-117M`.
 * @throws TypeError or RangeError for invalid arguments, and {@link HubModelError} when the
 *   model cannot be resolved; its `code` gives the reason and its message the next step.
 */
export async function resolveHubModel(modelId: string, options: ResolveHubModelOptions = {}): Promise<HubModelFiles> {
  // Arguments.
  const id = parseHubModelId(modelId);
  const checked = validateOptions(options);
  const { revision, onnxFile, env, warn, onProgress } = checked;

  // Settings: options beat environment variables, which beat defaults.
  const cacheDir = checked.cacheDir !== undefined ? path.resolve(checked.cacheDir) : resolveHubCacheDir(env);
  let offlineSource = offlineVariable(env);
  if (checked.offline !== undefined) offlineSource = checked.offline ? OFFLINE_OPTION : undefined;
  const endpoint = resolveHubEndpoint(env, checked.endpoint);
  const cache = new RepoCache(cacheDir, id);
  const notFoundHint = describeLocalPathMiss(id.repoId);

  // The cache first: a complete snapshot needs no request.
  const cachedCommit = cache.readCommit(revision);
  const cached = cachedCommit === undefined ? undefined : inspectSnapshot(cache, cachedCommit, onnxFile);
  if (cached?.complete || (offlineSource && cached?.usable)) {
    return describeResult(cache, id.repoId, revision, cachedCommit!, cached.plan!, []);
  }

  // Offline: the cache is all there is.
  if (offlineSource) {
    throw offlineError(cache, id.repoId, revision, cachedCommit, cached?.plan, onnxFile, offlineSource, notFoundHint);
  }

  // Online: the revision's commit and file list. When the hub cannot be reached, a snapshot that
  // has the graph and tokenizer (but whose optional files were never checked) still serves.
  const client: HubClient = {
    modelId: id.repoId,
    endpoint,
    token: resolveHubToken(env, checked.token),
    timeoutMs: checked.timeout ?? resolveHubTimeout(env),
    cacheDir,
    ...(notFoundHint ? { notFoundHint } : {}),
  };
  let listing: RepoListing;
  try {
    listing = await fetchRepoListing(client, revision);
  } catch (error) {
    if (error instanceof HubModelError && error.code === "hub-unreachable" && cached?.usable) {
      warn(`${error.message} Using the cached snapshot ${cache.snapshotDir(cachedCommit!)} instead.`);
      return describeResult(cache, id.repoId, revision, cachedCommit!, cached.plan!, []);
    }
    throw error;
  }
  cache.writeRef(revision, listing.commit);

  // The files to use, and those to download: support files, external data, then the graph, so
  // that a snapshot with the graph also has its data.
  const plan = planModelFiles(listing.files, onnxFile);
  if (!plan || !plan.supportFiles.includes(TOKENIZER_FILE)) {
    throw missingFileError(id.repoId, revision, endpoint, listing, onnxFile, plan);
  }
  const downloaded: string[] = [];
  for (const file of [...plan.supportFiles, ...plan.externalData, plan.onnxFile]) {
    if (cache.hasSnapshotFile(listing.commit, file)) continue;
    if (await downloadRepoFile(client, cache, listing.commit, file, onProgress, warn)) downloaded.push(file);
  }

  // Record the optional files the commit lacks, so that the next call can use the cache alone.
  for (const file of plan.absentOptionalFiles) cache.markMissing(listing.commit, file);
  return describeResult(cache, id.repoId, revision, listing.commit, plan, downloaded);
}

/** Options after validation, with the defaults that do not depend on the environment filled in. */
interface CheckedOptions extends Omit<ResolveHubModelOptions, "revision" | "env" | "warn"> {
  revision: string;
  env: HubEnvironment;
  warn: (message: string) => void;
}

/**
 * Checks the options at the public boundary.
 * @throws TypeError for a value of the wrong type, RangeError for a value outside its allowed set.
 */
function validateOptions(options: unknown): CheckedOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object") throw new TypeError(`options must be an object, got ${typeof options}.`);
  const { revision = DEFAULT_REVISION, onnxFile, cacheDir, offline, endpoint, token, timeout, onProgress, warn, env } = options as ResolveHubModelOptions;

  validateRevision(revision);
  if (onnxFile !== undefined) {
    if (typeof onnxFile !== "string") throw new TypeError(`onnxFile must be a string such as "onnx/model.onnx", got ${typeof onnxFile}.`);
    if (!isSafeRepoPath(onnxFile) || !onnxFile.endsWith(".onnx")) {
      throw new RangeError(`onnxFile must be a "/"-separated path inside the repository ending in ".onnx", such as "onnx/model_quantized.onnx", got ${JSON.stringify(onnxFile)}.`);
    }
  }
  checkType(cacheDir, "cacheDir", "string", "a folder path");
  checkType(offline, "offline", "boolean", "true or false");
  checkType(endpoint, "endpoint", "string", `a URL such as "https://huggingface.co"`);
  if (token !== undefined && token !== false && typeof token !== "string") {
    throw new TypeError(`token must be a string or false, got ${typeof token}.`);
  }
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new RangeError(`timeout must be a positive number of milliseconds, got ${String(timeout)}.`);
  }
  checkType(onProgress, "onProgress", "function", "a function");
  checkType(warn, "warn", "function", "a function");
  if (env !== undefined && (typeof env !== "object" || env === null)) {
    throw new TypeError(`env must be an object of environment variables such as process.env, got ${env === null ? "null" : typeof env}.`);
  }

  return {
    ...(options as ResolveHubModelOptions),
    revision,
    env: env ?? process.env,
    warn: warn ?? (() => {}),
  };
}

function checkType(value: unknown, name: string, type: "string" | "boolean" | "function", expected: string): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${name} must be ${expected}, got ${typeof value}.`);
  }
}

/** The state of a cached snapshot. */
interface SnapshotState {
  /** The files the loader would use, or undefined when the snapshot has no graph. */
  plan: ModelFilePlan | undefined;
  /** The graph and tokenizer.json are there: enough to load. */
  usable: boolean;
  /** Also every optional file is there or recorded as absent: nothing left to ask the hub. */
  complete: boolean;
}

function inspectSnapshot(cache: RepoCache, commit: string, onnxFile: string | undefined): SnapshotState {
  const files = listSnapshotFiles(cache.snapshotDir(commit));
  const plan = planModelFiles(files, onnxFile);
  const usable = plan !== undefined && plan.supportFiles.includes(TOKENIZER_FILE);
  const complete = usable && plan.absentOptionalFiles.every((file) => cache.isMarkedMissing(commit, file));
  return { plan, usable, complete };
}

function describeResult(cache: RepoCache, modelId: string, revision: string, commit: string, plan: ModelFilePlan, downloaded: string[]): HubModelFiles {
  const configPath = cache.snapshotPath(commit, "config.json");
  return {
    modelId,
    revision,
    commit,
    directory: cache.snapshotDir(commit),
    onnxPath: cache.snapshotPath(commit, plan.onnxFile),
    externalDataPaths: plan.externalData.map((file) => cache.snapshotPath(commit, file)),
    downloaded,
    ...(fs.existsSync(configPath) ? { configPath } : {}),
  };
}

/** Builds the error for offline mode when the cache lacks the snapshot or one of its files. */
function offlineError(
  cache: RepoCache,
  modelId: string,
  revision: string,
  commit: string | undefined,
  plan: ModelFilePlan | undefined,
  onnxFile: string | undefined,
  offlineSource: string,
  notFoundHint: string | undefined,
): HubModelError {
  const goOnline = offlineSource === OFFLINE_OPTION ? "pass offline: false" : `unset ${offlineSource}`;
  const nextStep = `Run once online to download it: ${goOnline}.`;
  if (commit === undefined || !fs.existsSync(cache.snapshotDir(commit))) {
    return new HubModelError(
      `Model ${modelId} (revision ${revision}) is not in the cache at ${cache.directory}, and offline mode is on (${offlineSource}). ${nextStep}${notFoundHint ? ` ${notFoundHint}` : ""}`,
      { code: "not-cached", modelId },
    );
  }
  const snapshot = cache.snapshotDir(commit);
  const lookedFor = onnxFile ?? HUB_ONNX_CANDIDATES.join(" and ");
  const missing = plan === undefined ? `no ONNX model: looked for ${lookedFor}` : `no ${TOKENIZER_FILE}`;
  return new HubModelError(
    `The cached snapshot ${snapshot} of ${modelId} has ${missing}, and offline mode is on (${offlineSource}). ${nextStep}`,
    { code: "incomplete-cache", modelId, file: plan === undefined ? onnxFile ?? HUB_ONNX_CANDIDATES[0]! : TOKENIZER_FILE },
  );
}

/** Builds the error for a repository that lacks the ONNX graph or tokenizer.json. */
function missingFileError(
  modelId: string,
  revision: string,
  endpoint: string,
  listing: RepoListing,
  onnxFile: string | undefined,
  plan: ModelFilePlan | undefined,
): HubModelError {
  const where = `${modelId} at revision ${revision} (commit ${listing.commit}) on ${endpoint}`;
  if (plan === undefined) {
    const lookedFor = onnxFile ?? HUB_ONNX_CANDIDATES.join(" and ");
    const available = listOnnxFiles(listing.files);
    const nextStep = available.length > 0
      ? `The repository has ${available.join(", ")}; pass one of them as onnxFile.`
      : "The repository has no .onnx file; export the model to ONNX (for example with optimum-cli export onnx) and upload it, or use a repository that has one.";
    return new HubModelError(`${where} has no ONNX model: looked for ${lookedFor}. ${nextStep}`, {
      code: "not-found",
      modelId,
      file: onnxFile ?? HUB_ONNX_CANDIDATES[0]!,
    });
  }
  return new HubModelError(
    `${where} has no ${TOKENIZER_FILE}, which the loader needs. Use a repository with a Hugging Face fast tokenizer (tokenizer.json), ` +
      `or save one next to the model in Python with AutoTokenizer.from_pretrained(...).save_pretrained(directory).`,
    { code: "not-found", modelId, file: TOKENIZER_FILE },
  );
}

/**
 * Returns a sentence for error messages saying that no local folder has the id's name, because
 * an id such as `models/tiny` may have been meant as a relative path.
 */
function describeLocalPathMiss(repoId: string): string | undefined {
  const local = path.resolve(repoId);
  return fs.existsSync(local) ? undefined : `No local folder ${local} exists either.`;
}
