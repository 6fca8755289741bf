/**
 * Settings of the hub functions read from environment variables, with the names and precedence
 * of huggingface_hub (the Python client), so that both share one cache and one configuration.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Environment variables to read, such as `process.env`. */
export type HubEnvironment = Readonly<Record<string, string | undefined>>;

/** The public Hugging Face hub, used when neither the `endpoint` option nor `HF_ENDPOINT` is set. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/** Milliseconds to wait for a response from the hub or for the next piece of a download (huggingface_hub's default, 10 s). */
export const DEFAULT_HUB_TIMEOUT_MS = 10_000;

/** Values of a boolean variable such as HF_HUB_OFFLINE that mean true, compared without case. */
export const TRUE_ENVIRONMENT_VALUES: readonly string[] = Object.freeze(["1", "ON", "YES", "TRUE"]);

/** An access token and where it came from, for messages that must not print the token itself. */
export interface HubToken {
  token: string;
  /** The origin of the token, such as `HF_TOKEN` or `the token file /home/me/.cache/huggingface/token`. */
  source: string;
}

/**
 * Returns the hub cache folder. Precedence: `HF_HUB_CACHE`, then the older name
 * `HUGGINGFACE_HUB_CACHE`, then `$HF_HOME/hub`, then `$XDG_CACHE_HOME/huggingface/hub`, then
 * `~/.cache/huggingface/hub`. A leading `~` is expanded to the home folder.
 */
export function resolveHubCacheDir(env: HubEnvironment): string {
  const direct = nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE);
  if (direct) return expandHome(direct, env);
  return path.join(resolveHuggingFaceHome(env), "hub");
}

/**
 * Returns the Hugging Face home folder, which contains the cache and the stored token:
 * `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`.
 */
export function resolveHuggingFaceHome(env: HubEnvironment): string {
  const home = nonEmpty(env.HF_HOME);
  if (home) return expandHome(home, env);
  const xdgCache = nonEmpty(env.XDG_CACHE_HOME);
  return path.join(xdgCache ? expandHome(xdgCache, env) : path.join(homeDirectory(env), ".cache"), "huggingface");
}

/**
 * Returns the name of the variable that turns offline mode on (`HF_HUB_OFFLINE`, or
 * transformers' `TRANSFORMERS_OFFLINE`), or undefined when neither is set to 1, ON, YES or TRUE.
 */
export function offlineVariable(env: HubEnvironment): string | undefined {
  return ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"].find((name) => isTrue(env[name]));
}

/**
 * Returns the hub base URL without a trailing `/`: the `endpoint` argument, else `HF_ENDPOINT`,
 * else https://huggingface.co.
 * @throws RangeError when the value is not an http or https URL.
 */
export function resolveHubEndpoint(env: HubEnvironment, endpoint?: string): string {
  const value = nonEmpty(endpoint) ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_ENDPOINT;
  const from = nonEmpty(endpoint) ? "endpoint" : "HF_ENDPOINT";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${from} must be an http or https URL such as ${DEFAULT_HUB_ENDPOINT}, got ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RangeError(`${from} must be an http or https URL such as ${DEFAULT_HUB_ENDPOINT}, got ${JSON.stringify(value)}.`);
  }
  return value.replace(/\/+$/, "");
}

/**
 * Returns the access token to send. Precedence: the `token` option (`false` sends none), then
 * `HF_TOKEN`, then the older `HUGGING_FACE_HUB_TOKEN`, then huggingface_hub's stored token file:
 * `HF_TOKEN_PATH`, else `$HF_HOME/token`.
 */
export function resolveHubToken(env: HubEnvironment, token?: string | false): HubToken | undefined {
  if (token === false) return undefined;
  if (nonEmpty(token)) return { token: token!.trim(), source: "the token option" };
  for (const name of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]) {
    const value = nonEmpty(env[name]);
    if (value) return { token: value.trim(), source: name };
  }
  const tokenPath = nonEmpty(env.HF_TOKEN_PATH) ? expandHome(env.HF_TOKEN_PATH!, env) : path.join(resolveHuggingFaceHome(env), "token");
  let stored: string;
  try {
    stored = fs.readFileSync(tokenPath, "utf8").trim();
  } catch {
    // No stored token: the usual case for public models.
    return undefined;
  }
  return stored ? { token: stored, source: `the token file ${tokenPath}` } : undefined;
}

/**
 * Returns the timeout in milliseconds: `HF_HUB_DOWNLOAD_TIMEOUT` (seconds, as in huggingface_hub),
 * else {@link DEFAULT_HUB_TIMEOUT_MS}.
 * @throws RangeError when the variable is not a positive number.
 */
export function resolveHubTimeout(env: HubEnvironment): number {
  const value = nonEmpty(env.HF_HUB_DOWNLOAD_TIMEOUT);
  if (value === undefined) return DEFAULT_HUB_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`HF_HUB_DOWNLOAD_TIMEOUT must be a positive number of seconds, got ${JSON.stringify(value)}.`);
  }
  return seconds * 1000;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_ENVIRONMENT_VALUES.includes(value.trim().toUpperCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

function homeDirectory(env: HubEnvironment): string {
  return nonEmpty(env.HOME) ?? os.homedir();
}

function expandHome(value: string, env: HubEnvironment): string {
  if (value === "~") return homeDirectory(env);
  if (value.startsWith("~/")) return path.join(homeDirectory(env), value.slice(2));
  return path.resolve(value);
}
