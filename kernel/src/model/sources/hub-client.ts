/**
 * HTTP requests to a Hugging Face hub: the file list of a revision, and file downloads into the
 * cache. URLs follow the hub's scheme (`{endpoint}/api/models/{repo}/revision/{revision}` and
 * `{endpoint}/{repo}/resolve/{revision}/{path}`), and every failure becomes a
 * {@link HubModelError} that names the model, file and URL.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import { blobNameFromEtag, isSafeRepoPath, type RepoCache } from "./cache-layout";
import type { DownloadProgressCallback } from "./download-progress";
import { HubModelError } from "./hub-errors";
import type { HubToken } from "./hub-settings";
import { COMMIT_HASH_PATTERN } from "./model-id";

/** Redirects followed per request; the hub needs one (to its file storage) or two (after a repository rename). */
export const MAX_REDIRECTS = 5;

const USER_AGENT = `dnaquant; node/${process.versions.node}`;

/** Connection settings of the hub requests for one model, with the names used in messages. */
export interface HubClient {
  modelId: string;
  /** Base URL without a trailing `/`. */
  endpoint: string;
  token: HubToken | undefined;
  /** Milliseconds to wait for a response, and between two pieces of a body. */
  timeoutMs: number;
  /** The cache folder, named in messages that suggest offline mode. */
  cacheDir: string;
  /** A sentence appended to "not found" messages, such as one saying that no local folder of that name exists. */
  notFoundHint?: string;
}

/** A revision's commit and file list, from the hub's model info. */
export interface RepoListing {
  commit: string;
  files: Set<string>;
}

/**
 * Fetches the commit a revision points to and the repository's file list from
 * `{endpoint}/api/models/{repo}/revision/{revision}`.
 * @throws HubModelError: `hub-unreachable`, `unauthorized`, `not-found`, `http-error` or `invalid-response`.
 */
export async function fetchRepoListing(client: HubClient, revision: string): Promise<RepoListing> {
  const url = `${client.endpoint}/api/models/${client.modelId}/revision/${encodeURIComponent(revision)}`;
  const timer = new IdleTimer(client.timeoutMs);
  try {
    const { response } = await openHubRequest(client, url, timer, { stopAtOtherOrigin: false });
    if (!response.ok) throw await errorForStatus(client, response, url, { revision });

    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      if (timer.timedOut) throw error;
      throw invalidResponse(client, url, `its response is not JSON (${(error as Error).message})`);
    }
    return parseListing(client, url, body);
  } catch (error) {
    throw networkError(client, url, timer, error, "connect");
  } finally {
    timer.stop();
  }
}

/**
 * Downloads one file of a commit into the cache as the hub client does: the body goes to
 * `blobs/<etag>.<pid>-<random>.incomplete`, is renamed to `blobs/<etag>` once complete, and
 * `snapshots/<commit>/<file>` becomes a symlink to the blob. A blob that is already cached (the
 * same content at another commit) is linked without downloading it again. After a failure no
 * file of this download is left under blobs/ or snapshots/. A killed process leaves its
 * `.incomplete` file behind, and the next download of that blob deletes it.
 * @returns Whether the body was downloaded (false when the blob was already cached).
 * @throws HubModelError naming the file and URL.
 */
export async function downloadRepoFile(
  client: HubClient,
  cache: RepoCache,
  commit: string,
  file: string,
  onProgress: DownloadProgressCallback | undefined,
  warn: (message: string) => void,
): Promise<boolean> {
  const url = `${client.endpoint}/${client.modelId}/resolve/${commit}/${file.split("/").map(encodeURIComponent).join("/")}`;
  const timer = new IdleTimer(client.timeoutMs);
  let storageOrigin: string | undefined;
  let incompletePath: string | undefined;
  try {
    // Request the file. For a large file the hub responds with a redirect to its file storage,
    // which is followed only when the blob is not cached yet.
    const first = await openHubRequest(client, url, timer, { stopAtOtherOrigin: true });
    const storageUrl = first.otherOriginLocation;
    if (storageUrl === undefined && !first.response.ok) throw await errorForStatus(client, first.response, url, { file, commit });
    const metadata = first.metadata;

    // Name the blob as huggingface_hub does: by the ETag of the file, which for large files the
    // hub sends in X-Linked-Etag because the ETag then describes the redirect.
    const servedCommit = metadata.get("x-repo-commit");
    if (servedCommit !== null && servedCommit !== commit) {
      throw invalidResponse(client, url, `it served commit ${servedCommit} for a request of commit ${commit}`, file);
    }
    const etag = metadata.get("x-linked-etag") ?? metadata.get("etag");
    const blobName = blobNameFromEtag(etag);
    if (servedCommit === null || blobName === undefined) {
      const missing = servedCommit === null ? "an X-Repo-Commit header" : `a usable ETag header (got ${JSON.stringify(etag)})`;
      throw invalidResponse(client, url, `it responded without ${missing}, which the cache layout needs`, file);
    }

    // Link a blob that is already cached.
    const blobPath = cache.blobPath(blobName);
    if (fs.existsSync(blobPath)) {
      await first.response.body?.cancel();
      cache.linkSnapshotFile(commit, file, blobName, warn);
      return false;
    }

    // Follow the redirect to the file storage, without the token.
    let response = first.response;
    if (storageUrl !== undefined) {
      await first.response.body?.cancel();
      storageOrigin = new URL(storageUrl).origin;
      response = (await openHubRequest(client, storageUrl, timer, { stopAtOtherOrigin: false })).response;
      if (!response.ok) throw await errorForStatus(client, response, url, { file, commit, storageOrigin });
    }

    // Stream the body into the .incomplete file, then check its length.
    const announced = metadata.get("x-linked-size") ?? response.headers.get("content-length");
    const bytesTotal = announced !== null && /^[0-9]+$/.test(announced) ? Number(announced) : undefined;
    fs.mkdirSync(path.dirname(blobPath), { recursive: true });
    cache.removeStaleDownloads(blobName);
    incompletePath = cache.incompletePath(blobName);
    const bytesDone = await writeBody(response, incompletePath, timer, (done) => onProgress?.({ modelId: client.modelId, file, bytesDone: done, bytesTotal }));
    if (bytesTotal !== undefined && bytesDone !== bytesTotal) {
      throw new HubModelError(
        `The download of ${file} of ${client.modelId} from ${describeUrl(url, storageOrigin)} ended after ${bytesDone} of ${bytesTotal} bytes, so nothing was cached. Run again to retry.`,
        { code: "download-failed", modelId: client.modelId, file, url },
      );
    }

    // Publish the blob, then the snapshot entry that points to it.
    fs.renameSync(incompletePath, blobPath);
    incompletePath = undefined;
    cache.linkSnapshotFile(commit, file, blobName, warn);
    return true;
  } catch (error) {
    throw networkError(client, url, timer, error, incompletePath === undefined ? "connect" : "body", { file, storageOrigin });
  } finally {
    timer.stop();
    if (incompletePath !== undefined) fs.rmSync(incompletePath, { force: true });
  }
}

/** Writes a response body to a new file, calling `progress` with the byte count after each piece. */
async function writeBody(response: Response, target: string, timer: IdleTimer, progress: (bytesDone: number) => void): Promise<number> {
  const handle = await fs.promises.open(target, "w");
  let bytesDone = 0;
  try {
    timer.arm();
    progress(0);
    if (response.body) {
      for await (const chunk of response.body) {
        timer.arm();
        if (chunk.byteLength === 0) continue;
        await handle.write(chunk);
        bytesDone += chunk.byteLength;
        progress(bytesDone);
      }
    }
  } finally {
    await handle.close();
  }
  return bytesDone;
}

/** The outcome of {@link openHubRequest}. */
interface HubResponse {
  /** The last response received. */
  response: Response;
  /** Headers of the last response from the hub's origin, which carry X-Repo-Commit and the ETags. */
  metadata: Headers;
  /** With `stopAtOtherOrigin`: the redirect target on another origin, not requested yet. */
  otherOriginLocation?: string;
}

/**
 * Sends a GET request and follows redirects by hand, so that the token goes only to the hub's
 * own origin: the file storage that a large file redirects to gets no Authorization header.
 * With `stopAtOtherOrigin`, a redirect to another origin is returned instead of followed.
 */
async function openHubRequest(client: HubClient, url: string, timer: IdleTimer, options: { stopAtOtherOrigin: boolean }): Promise<HubResponse> {
  const hubOrigin = new URL(client.endpoint).origin;
  let current = url;
  let metadata: Headers | undefined;
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
    const sameOrigin = new URL(current).origin === hubOrigin;
    // A compressed body would make Content-Length disagree with the bytes written.
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, "Accept-Encoding": "identity" };
    if (client.token && sameOrigin) headers.Authorization = `Bearer ${client.token.token}`;

    timer.arm();
    const response = await fetch(current, { headers, redirect: "manual", signal: timer.signal });
    if (sameOrigin) metadata = response.headers;
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) {
      return { response, metadata: metadata ?? response.headers };
    }
    const target = new URL(location, current).href;
    if (options.stopAtOtherOrigin && new URL(target).origin !== hubOrigin) {
      return { response, metadata: metadata ?? response.headers, otherOriginLocation: target };
    }
    await response.body?.cancel();
    current = target;
  }
  throw invalidResponse(client, url, `it redirected more than ${MAX_REDIRECTS} times`);
}

/** Validates the JSON of a model info response: `sha` (the commit) and `siblings[].rfilename`. */
function parseListing(client: HubClient, url: string, body: unknown): RepoListing {
  const info = (typeof body === "object" && body !== null ? body : {}) as { sha?: unknown; siblings?: unknown };
  if (typeof info.sha !== "string" || !COMMIT_HASH_PATTERN.test(info.sha)) {
    throw invalidResponse(client, url, `its "sha" field is not a 40-digit commit hash (got ${JSON.stringify(info.sha)})`);
  }
  if (!Array.isArray(info.siblings)) {
    throw invalidResponse(client, url, 'it has no "siblings" list of files');
  }
  const files = new Set<string>();
  for (const sibling of info.siblings as unknown[]) {
    const name = (sibling as { rfilename?: unknown } | null)?.rfilename;
    // Names that could leave the snapshot folder are skipped; the loader never needs them.
    if (typeof name === "string" && isSafeRepoPath(name)) files.add(name);
  }
  return { commit: info.sha, files };
}

/** Builds the error for an HTTP status that is not 2xx, with the hub's own message when it sent one. */
async function errorForStatus(
  client: HubClient,
  response: Response,
  url: string,
  target: { revision?: string; file?: string; commit?: string; storageOrigin?: string },
): Promise<HubModelError> {
  const serverMessage = await readServerMessage(response);
  const status = response.status;
  const detail = `HTTP ${status}${serverMessage ? `: ${serverMessage}` : ""}`;
  const resource = target.file ? `${target.file} of ${client.modelId}` : client.modelId;
  const details = { modelId: client.modelId, url, status, ...(target.file ? { file: target.file } : {}) };

  if (target.storageOrigin !== undefined) {
    return new HubModelError(
      `The file storage at ${target.storageOrigin}, to which the hub redirected the download of ${resource}, responded with ${detail} (${url}). ` +
        `Run again to get a fresh redirect; if this persists, the hub's storage is failing, so try again later.`,
      { code: "http-error", ...details },
    );
  }
  if (status === 401 || status === 403) {
    const message = client.token
      ? `The hub at ${client.endpoint} rejected the token from ${client.token.source} for ${resource} (${detail}, ${url}). ` +
        `Use a token with read access to ${client.modelId}; if the model is gated, request access on its page first.`
      : `The hub at ${client.endpoint} requires authentication for ${resource} (${detail}, ${url}): the model is private or gated, or does not exist. ` +
        `Set HF_TOKEN to an access token with read access, or check the model id.${hint(client)}`;
    return new HubModelError(message, { code: "unauthorized", ...details });
  }
  if (status === 404) {
    const message = target.file
      ? `${target.file} was not found in ${client.modelId} at commit ${target.commit} on the hub at ${client.endpoint} (${detail}, ${url}). ` +
        `The repository's file list named it, so the hub may be out of sync; run again later, or pass another onnxFile.`
      : `Model ${client.modelId} (revision ${target.revision}) was not found on the hub at ${client.endpoint} (${detail}, ${url}). ` +
        `Check the model id and the revision.${hint(client)}`;
    return new HubModelError(message, { code: "not-found", ...details });
  }
  return new HubModelError(
    `The hub at ${client.endpoint} responded with ${detail} for ${resource} (${url}). Try again later, or set HF_HUB_OFFLINE=1 to load from the cache at ${client.cacheDir} only.`,
    { code: "http-error", ...details },
  );
}

function hint(client: HubClient): string {
  return client.notFoundHint ? ` ${client.notFoundHint}` : "";
}

/** Returns the hub's explanation of an error: the X-Error-Message header, else a JSON `error` field. */
async function readServerMessage(response: Response): Promise<string | undefined> {
  const header = response.headers.get("x-error-message");
  if (header) return header;
  try {
    const body = (await response.json()) as { error?: unknown };
    return typeof body?.error === "string" ? body.error : undefined;
  } catch {
    // Not JSON (an HTML error page, say): the status alone has to do.
    return undefined;
  }
}

function invalidResponse(client: HubClient, url: string, problem: string, file?: string): HubModelError {
  return new HubModelError(
    `The server at ${client.endpoint} does not behave like a Hugging Face hub: for ${url} ${problem}. Check that HF_ENDPOINT points to a hub or a mirror of one.`,
    { code: "invalid-response", modelId: client.modelId, url, ...(file ? { file } : {}) },
  );
}

/**
 * Turns a failed request into a HubModelError: `hub-unreachable` before the body starts,
 * `download-failed` once it has. A HubModelError passes through unchanged.
 */
function networkError(
  client: HubClient,
  url: string,
  timer: IdleTimer,
  error: unknown,
  stage: "connect" | "body",
  target: { file?: string; storageOrigin?: string | undefined } = {},
): HubModelError {
  if (error instanceof HubModelError) return error;
  const { file, storageOrigin } = target;
  const reason = timer.timedOut ? `timed out after ${client.timeoutMs} ms without a response` : describeNetworkError(error);
  const where = describeUrl(url, storageOrigin);
  if (stage === "body") {
    return new HubModelError(
      `The download of ${file} of ${client.modelId} from ${where} failed (${reason}), so nothing was cached. Run again to retry.`,
      { code: "download-failed", modelId: client.modelId, url, cause: error, ...(file ? { file } : {}) },
    );
  }
  return new HubModelError(
    `Could not reach the Hugging Face hub at ${client.endpoint} for ${client.modelId} (${reason}; ${where}). ` +
      `Check the network, set HF_ENDPOINT to a hub or mirror that can be reached, or set HF_HUB_OFFLINE=1 to load from the cache at ${client.cacheDir} only.`,
    { code: "hub-unreachable", modelId: client.modelId, url, cause: error, ...(file ? { file } : {}) },
  );
}

/**
 * Names a request in messages: the hub URL, plus only the origin of the file storage it
 * redirected to, because signed storage URLs carry credentials in their query.
 */
function describeUrl(url: string, storageOrigin: string | undefined): string {
  return storageOrigin === undefined ? url : `${url}, redirected to ${storageOrigin}`;
}

/** Returns the system's words for a network error, such as `connect ECONNREFUSED 127.0.0.1:9`. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.message === "string" && cause.message) return cause.message;
  if (cause && typeof cause.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * An AbortController that fires when {@link arm} is not called again within the timeout: a
 * request times out when the server stops sending, not when a large download takes long.
 */
class IdleTimer {
  readonly signal: AbortSignal;
  timedOut = false;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.signal = this.controller.signal;
  }

  arm(): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no data within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
