/**
 * A hub-like HTTP server on 127.0.0.1 for the hub source tests. It serves the two routes the
 * resolver uses, with the headers of huggingface.co:
 *
 * - `GET /api/models/{repo}/revision/{revision}`: JSON `{ id, sha, siblings: [{ rfilename }] }`.
 * - `GET /{repo}/resolve/{revision}/{path}`: small files with `ETag` (git blob SHA-1),
 *   `X-Repo-Commit` and `Content-Length`. Files of at least `largeFileBytes` get a 302 to a second
 *   server, the file storage on another origin. As the hub does for LFS files, the 302 carries
 *   `X-Linked-Etag` (SHA-256), `X-Linked-Size` and `X-Repo-Commit`.
 *
 * Errors follow the hub too: 401 with `X-Error-Message` when a repository's token is missing or
 * wrong, 404 with `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`). The file
 * storage rejects requests that carry an Authorization header with 400, so that a token sent
 * there fails the test.
 */

import { createHash } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";

/** One repository served by the hub, at one commit. */
export interface HubRepo {
  repoId: string;
  /** 40-digit commit hash that `main` points to. */
  commit: string;
  /** File contents by `/`-separated repository path. */
  files: Map<string, Buffer>;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

/** One request received by either server. */
export interface RecordedRequest {
  server: "hub" | "storage";
  method: string;
  url: string;
  authorization: string | undefined;
}

/** Files at least this large are redirected to the file storage by default (1 MB). */
export const DEFAULT_LARGE_FILE_BYTES = 1_000_000;

export class HubServer {
  /** Every request to the hub and the file storage, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private readonly interruptions = new Map<string, { afterBytes: number; then: "close" | "stall" }>();
  private readonly nextFailures = new Map<RecordedRequest["server"], { status: number; message: string }>();
  private readonly blobsBySha256 = new Map<string, Buffer>();

  private constructor(
    private readonly repos: readonly HubRepo[],
    private readonly largeFileBytes: number,
    private readonly hub: http.Server,
    private readonly storage: http.Server,
  ) {
    for (const repo of repos) {
      for (const content of repo.files.values()) this.blobsBySha256.set(sha256(content), content);
    }
  }

  /** Starts the hub and its file storage on free ports of 127.0.0.1. */
  static async start(repos: readonly HubRepo[], largeFileBytes = DEFAULT_LARGE_FILE_BYTES): Promise<HubServer> {
    let server: HubServer | undefined;
    const hub = http.createServer((request, response) => server!.handleHub(request, response));
    const storage = http.createServer((request, response) => server!.handleStorage(request, response));
    server = new HubServer(repos, largeFileBytes, hub, storage);
    await Promise.all([listen(hub), listen(storage)]);
    return server;
  }

  /** Base URL of the hub, for HF_ENDPOINT. */
  get endpoint(): string {
    return originOf(this.hub);
  }

  /** Requests received so far by one of the servers. */
  requestsTo(server: RecordedRequest["server"]): RecordedRequest[] {
    return this.requests.filter((request) => request.server === server);
  }

  /**
   * Makes the next download of `file` send only its first `afterBytes` bytes. Then the server
   * closes the connection, as a dropped network connection does, or with `"stall"` keeps it open
   * without sending more until {@link close}.
   */
  interruptNextDownload(file: string, afterBytes: number, then: "close" | "stall" = "close"): void {
    this.interruptions.set(file, { afterBytes, then });
  }

  /** Makes the hub or the file storage respond to its next request with an error status and message. */
  failNextRequest(status: number, message: string, server: RecordedRequest["server"] = "hub"): void {
    this.nextFailures.set(server, { status, message });
  }

  async close(): Promise<void> {
    for (const server of [this.hub, this.storage]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private handleHub(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.record("hub", request);
    if (this.sendPlannedFailure("hub", response)) return;
    const url = new URL(request.url ?? "/", this.endpoint);
    const apiPrefix = "/api/models/";

    // Model info: /api/models/{repo}/revision/{revision}.
    if (url.pathname.startsWith(apiPrefix)) {
      const rest = url.pathname.slice(apiPrefix.length);
      const repo = this.repos.find((candidate) => rest.startsWith(`${candidate.repoId}/revision/`));
      if (!repo) return sendError(response, 404, "RepoNotFound", "Repository not found");
      if (!this.authorize(repo, request, response)) return;
      const revision = decodeURIComponent(rest.slice(`${repo.repoId}/revision/`.length));
      if (revision !== "main" && revision !== repo.commit) return sendError(response, 404, "RevisionNotFound", `Invalid rev id: ${revision}`);
      const body = JSON.stringify({ id: repo.repoId, sha: repo.commit, siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) });
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      response.end(body);
      return;
    }

    // Files: /{repo}/resolve/{revision}/{path}.
    const repo = this.repos.find((candidate) => url.pathname.startsWith(`/${candidate.repoId}/resolve/`));
    if (!repo) return sendError(response, 404, "RepoNotFound", "Repository not found");
    if (!this.authorize(repo, request, response)) return;
    const [revision, ...pathParts] = url.pathname.slice(`/${repo.repoId}/resolve/`.length).split("/").map(decodeURIComponent);
    if (revision !== "main" && revision !== repo.commit) return sendError(response, 404, "RevisionNotFound", `Invalid rev id: ${revision}`);
    const file = pathParts.join("/");
    const content = repo.files.get(file);
    if (!content) return sendError(response, 404, "EntryNotFound", `${file} does not exist on "main"`, { "X-Repo-Commit": repo.commit });

    if (content.length >= this.largeFileBytes) {
      const oid = sha256(content);
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n`);
      response.writeHead(302, {
        Location: `${originOf(this.storage)}/blobs/${oid}?file=${encodeURIComponent(file)}`,
        "X-Repo-Commit": repo.commit,
        "X-Linked-Etag": `"${oid}"`,
        "X-Linked-Size": String(content.length),
        ETag: `"${gitBlobSha1(pointer)}"`,
        "Content-Length": 0,
      });
      response.end();
      return;
    }
    response.writeHead(200, { ETag: `"${gitBlobSha1(content)}"`, "X-Repo-Commit": repo.commit, "Content-Length": content.length });
    this.sendBody(file, content, request, response);
  }

  private handleStorage(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.record("storage", request);
    if (this.sendPlannedFailure("storage", response)) return;
    const url = new URL(request.url ?? "/", originOf(this.storage));
    if (request.headers.authorization !== undefined) {
      response.writeHead(400, { "Content-Type": "text/plain" });
      response.end("Only one auth mechanism allowed");
      return;
    }
    const content = this.blobsBySha256.get(url.pathname.replace(/^\/blobs\//, ""));
    if (!content) return sendError(response, 404, "EntryNotFound", "No such blob");
    response.writeHead(200, { "Content-Length": content.length, "Content-Type": "application/octet-stream" });
    this.sendBody(url.searchParams.get("file") ?? "", content, request, response);
  }

  /** Sends a body, or the start of it followed by a dropped connection when an interruption is due. */
  private sendBody(file: string, content: Buffer, request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method === "HEAD") return void response.end();
    const interruption = this.interruptions.get(file);
    if (interruption === undefined) return void response.end(content);
    this.interruptions.delete(file);
    response.write(content.subarray(0, interruption.afterBytes), () => {
      // Give the client a moment to read the first part, then cut the connection mid-body.
      if (interruption.then === "close") setTimeout(() => response.socket?.destroy(), 20);
    });
  }

  private sendPlannedFailure(server: RecordedRequest["server"], response: http.ServerResponse): boolean {
    const failure = this.nextFailures.get(server);
    if (!failure) return false;
    this.nextFailures.delete(server);
    sendError(response, failure.status, undefined, failure.message);
    return true;
  }

  private authorize(repo: HubRepo, request: http.IncomingMessage, response: http.ServerResponse): boolean {
    if (repo.token === undefined) return true;
    const header = request.headers.authorization;
    if (header === `Bearer ${repo.token}`) return true;
    const message = header === undefined
      ? `Access to model ${repo.repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`
      : "Invalid credentials in Authorization header";
    sendError(response, 401, header === undefined ? "GatedRepo" : undefined, message);
    return false;
  }

  private record(server: RecordedRequest["server"], request: http.IncomingMessage): void {
    this.requests.push({ server, method: request.method ?? "", url: request.url ?? "", authorization: request.headers.authorization });
  }
}

/** Returns a port on 127.0.0.1 that nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a server on 127.0.0.1 that accepts connections and never responds. */
export async function startSilentServer(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = http.createServer(() => {
    // Never respond: the client has to time out.
  });
  await listen(server);
  return {
    endpoint: originOf(server),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** SHA-256 of a file's content: the ETag the hub gives LFS files. */
export function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Git's blob hash, SHA-1 of `blob <length>\0<content>`: the ETag the hub gives other files. */
export function gitBlobSha1(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

function sendError(response: http.ServerResponse, status: number, code: string | undefined, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message });
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "X-Error-Message": message,
    ...(code ? { "X-Error-Code": code } : {}),
    ...extra,
  });
  response.end(body);
}

async function listen(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function originOf(server: http.Server): string {
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}
