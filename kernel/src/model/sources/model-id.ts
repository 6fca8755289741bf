/**
 * Hugging Face model ids (`name` or `owner/name`) and revisions: validation, and the folder
 * name of a model in the hub cache.
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** Maximum length of the name part of a model id, as the hub enforces it. */
export const MAX_MODEL_NAME_LENGTH = 96;

/** The revision used when none is given: the default branch. */
export const DEFAULT_REVISION = "main";

/** A full git commit hash: 40 lower-case hexadecimal digits, as the hub writes them. */
export const COMMIT_HASH_PATTERN = /^[0-9a-f]{40}$/;

// One part of an id: ASCII letters, digits, "-", "_" and ".", starting and ending with a
// letter, digit or "_" (the hub's rule, which also keeps "." and ".." out).
const ID_PART_PATTERN = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** A model id split into its parts. */
export interface HubModelId {
  /** The id as given, such as `zhihan1996/DNABERT-2-117M`. */
  repoId: string;
  /** User or organization, or undefined for an id without one (such as `bert-base-uncased`). */
  owner: string | undefined;
  name: string;
}

/**
 * Parses a model id of the form `name` or `owner/name`.
 *
 * The rules are those the hub applies to repository names. Each part has ASCII letters, digits,
 * `-`, `_` and `.`, and starts and ends with a letter, digit or `_`. The name has at most 96
 * characters. The id contains no `--` or `..` and does not end in `.git`.
 * @throws TypeError when `modelId` is not a string, RangeError when it breaks these rules.
 */
export function parseHubModelId(modelId: unknown): HubModelId {
  if (typeof modelId !== "string") {
    throw new TypeError(`modelId must be a string such as "owner/name", got ${typeof modelId}.`);
  }
  const problem = describeInvalidModelId(modelId);
  if (problem) {
    throw new RangeError(
      `modelId ${JSON.stringify(modelId)} is not a valid Hugging Face model id: ${problem}. ` +
        `Use "name" or "owner/name" with letters, digits, "-", "_" and ".", or pass the path of a local model directory.`,
    );
  }
  const slash = modelId.indexOf("/");
  return slash < 0
    ? { repoId: modelId, owner: undefined, name: modelId }
    : { repoId: modelId, owner: modelId.slice(0, slash), name: modelId.slice(slash + 1) };
}

/** Returns why `modelId` is not a valid model id, or undefined when it is one. */
function describeInvalidModelId(modelId: string): string | undefined {
  if (modelId.length === 0) return "it is empty";
  const parts = modelId.split("/");
  if (parts.length > 2) return `it has ${parts.length - 1} "/" but at most one is allowed (owner/name)`;
  for (const part of parts) {
    if (!ID_PART_PATTERN.test(part)) {
      return part.length === 0
        ? "the part before or after \"/\" is empty"
        : `${JSON.stringify(part)} must contain only letters, digits, "-", "_" and "." and must not start or end with "-" or "."`;
    }
  }
  const name = parts[parts.length - 1]!;
  if (name.length > MAX_MODEL_NAME_LENGTH) return `the name has ${name.length} characters, more than ${MAX_MODEL_NAME_LENGTH}`;
  if (modelId.includes("--") || modelId.includes("..")) return 'it contains "--" or ".."';
  if (modelId.endsWith(".git")) return 'it ends in ".git"';
  return undefined;
}

/**
 * Returns whether `source` should be looked up on the Hugging Face hub: a valid model id
 * (`name` or `owner/name`) that is not the path of an existing file or folder, relative to the
 * current directory.
 */
export function isHubModelId(source: unknown): source is string {
  if (typeof source !== "string" || describeInvalidModelId(source) !== undefined) return false;
  return !fs.existsSync(path.resolve(source));
}

/**
 * Returns the cache folder name of a model repository: `models--` followed by the id with each
 * `/` replaced by `--`, such as `models--zhihan1996--DNABERT-2-117M`.
 */
export function repoFolderName(modelId: HubModelId): string {
  return ["models", ...modelId.repoId.split("/")].join("--");
}

/**
 * Checks a revision: a branch, a tag or a commit hash. The revision becomes a file under
 * `refs/`, so it must be a relative path without `.` or `..` segments, backslashes or control
 * characters. A `/` is allowed, as in `refs/pr/1`.
 * @throws TypeError when it is not a string, RangeError when it cannot name a git ref.
 */
export function validateRevision(revision: unknown): string {
  if (typeof revision !== "string") {
    throw new TypeError(`revision must be a string (a branch, tag or commit hash), got ${typeof revision}.`);
  }
  const segments = revision.split("/");
  // eslint-disable-next-line no-control-regex
  const hasControl = /[\u0000-\u001f\u007f\\]/.test(revision);
  if (revision.length === 0 || hasControl || segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new RangeError(
      `revision ${JSON.stringify(revision)} is not a valid git revision: use a branch or tag name such as "main" or "v1.0", or a 40-digit commit hash.`,
    );
  }
  return revision;
}

/** Returns whether a revision is a full commit hash, which needs no `refs/` lookup. */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH_PATTERN.test(revision);
}
