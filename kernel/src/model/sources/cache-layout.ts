/**
 * The Hugging Face hub cache layout, shared with huggingface_hub and transformers:
 *
 * ```
 * <cache>/models--<owner>--<name>/
 *   refs/<revision>                 a text file with the commit hash the revision pointed to
 *   blobs/<etag>                    file contents, named by the ETag the hub sent (quotes removed)
 *   blobs/<etag>.<pid>-<random>.incomplete   a download in progress by process <pid>
 *   snapshots/<commit>/<path>       one entry per file of that commit: a relative symlink into blobs/
 *   .no_exist/<commit>/<path>       an empty file recording that <path> is absent from that commit
 * ```
 */

import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { COMMIT_HASH_PATTERN, isCommitHash, repoFolderName, type HubModelId } from "./model-id";

/** Suffix of a blob while it downloads; the file is renamed to the blob name once complete. */
export const INCOMPLETE_SUFFIX = ".incomplete";

// `<blob>.<pid>-<8 hex digits>.incomplete`: a download in progress and the process writing it.
const INCOMPLETE_NAME_PATTERN = /^(.+)\.([0-9]+)-[0-9a-f]{8}\.incomplete$/;

// Characters allowed in a blob name. The hub's ETags are hex digests (git SHA-1 or SHA-256), and
// a narrow set keeps a server-chosen name from leaving blobs/.
const BLOB_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Paths of one model repository inside the cache. */
export class RepoCache {
  /** The repository folder, such as `<cache>/models--owner--name`. */
  readonly directory: string;

  constructor(cacheDir: string, modelId: HubModelId) {
    this.directory = path.join(cacheDir, repoFolderName(modelId));
  }

  refPath(revision: string): string {
    return path.join(this.directory, "refs", ...revision.split("/"));
  }

  snapshotDir(commit: string): string {
    return path.join(this.directory, "snapshots", commit);
  }

  /** Path of a repository file (`/`-separated, such as `onnx/model.onnx`) in a snapshot. */
  snapshotPath(commit: string, file: string): string {
    return path.join(this.snapshotDir(commit), ...file.split("/"));
  }

  blobPath(blobName: string): string {
    return path.join(this.directory, "blobs", blobName);
  }

  noExistPath(commit: string, file: string): string {
    return path.join(this.directory, ".no_exist", commit, ...file.split("/"));
  }

  /**
   * Returns the commit a revision resolves to without asking the hub: the revision itself when it
   * is a commit hash, else the hash stored in `refs/<revision>`, else undefined.
   */
  readCommit(revision: string): string | undefined {
    if (isCommitHash(revision)) return revision;
    let stored: string;
    try {
      stored = fs.readFileSync(this.refPath(revision), "utf8").trim();
    } catch {
      return undefined;
    }
    return COMMIT_HASH_PATTERN.test(stored) ? stored : undefined;
  }

  /** Records that `revision` points to `commit`; does nothing when the revision is the commit. */
  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const refPath = this.refPath(revision);
    try {
      if (fs.readFileSync(refPath, "utf8") === commit) return;
    } catch {
      // No ref yet: write it below.
    }
    fs.mkdirSync(path.dirname(refPath), { recursive: true });
    writeFileAtomically(refPath, commit);
  }

  /** Returns whether a snapshot has a file; a symlink counts only when its blob exists. */
  hasSnapshotFile(commit: string, file: string): boolean {
    return fs.existsSync(this.snapshotPath(commit, file));
  }

  /**
   * Returns a new path for downloading a blob: `<blob>.<pid>-<random>.incomplete`. Each download
   * writes its own file and renames it to the blob when complete, so that processes downloading
   * the same blob at once never write into the same file, and the blob is always whole.
   */
  incompletePath(blobName: string): string {
    return `${this.blobPath(blobName)}.${process.pid}-${randomBytes(4).toString("hex")}${INCOMPLETE_SUFFIX}`;
  }

  /**
   * Deletes the unfinished downloads of a blob whose process has ended, such as one killed
   * mid-download. Files of running processes are kept.
   *
   * NOTE: process ids are checked on this machine only. On a cache shared between machines, a
   * running download of another machine can be deleted, and that download then fails when it
   * renames its file.
   */
  removeStaleDownloads(blobName: string): void {
    const blobsDir = path.dirname(this.blobPath(blobName));
    let names: string[];
    try {
      names = fs.readdirSync(blobsDir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = INCOMPLETE_NAME_PATTERN.exec(name);
      if (match && match[1] === blobName && !isProcessRunning(Number(match[2]))) {
        fs.rmSync(path.join(blobsDir, name), { force: true });
      }
    }
  }

  /** Records that a file is absent from a commit, so that a later run need not ask again. */
  markMissing(commit: string, file: string): void {
    const marker = this.noExistPath(commit, file);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.closeSync(fs.openSync(marker, "a"));
  }

  isMarkedMissing(commit: string, file: string): boolean {
    return fs.existsSync(this.noExistPath(commit, file));
  }

  /**
   * Places a blob in a snapshot as a relative symlink, as huggingface_hub does, replacing any
   * entry of the same name atomically. Where the file system rejects symlinks, the blob is copied
   * instead and `warn` receives a message.
   */
  linkSnapshotFile(commit: string, file: string, blobName: string, warn: (message: string) => void): void {
    const pointer = this.snapshotPath(commit, file);
    const blob = this.blobPath(blobName);
    fs.mkdirSync(path.dirname(pointer), { recursive: true });

    // Create the entry under a temporary name and rename it, so that the snapshot never shows a
    // half-written file.
    const temporary = `${pointer}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    try {
      fs.symlinkSync(path.relative(path.dirname(pointer), blob), temporary);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
      warn(`The file system of ${this.directory} does not support symlinks (${code}); ${file} is copied from blobs/ into the snapshot instead.`);
      fs.copyFileSync(blob, temporary);
    }
    fs.renameSync(temporary, pointer);
  }
}

/**
 * Returns the blob name for an ETag header value: the value without a `W/` prefix and quotes.
 * Returns undefined when the rest is empty or has characters other than letters, digits, `.`,
 * `_` and `-`, because it would not be a safe file name.
 */
export function blobNameFromEtag(etag: string | null | undefined): string | undefined {
  if (!etag) return undefined;
  const name = etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return BLOB_NAME_PATTERN.test(name) && name !== "." && name !== ".." ? name : undefined;
}

/**
 * Returns whether a repository file path is safe to join under a snapshot: `/`-separated and
 * relative, with no empty, `.` or `..` segments, backslashes or control characters.
 */
export function isSafeRepoPath(file: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (file.length === 0 || /[\u0000-\u001f\u007f\\]/.test(file)) return false;
  return file.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** Returns whether a process with this id runs on this machine (under any user). */
function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Writes a small file through a temporary file and a rename. */
function writeFileAtomically(target: string, content: string): void {
  const temporary = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}
