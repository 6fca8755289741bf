/**
 * Makes `import ... from "<package>"` in a cell resolve to one fixed package folder, whatever
 * the kernel's working directory is (notebooks may live outside any project).
 *
 * Type checking: tslab's converter resolves imports like Node 10 from
 * `<cwd>/node_modules/<package>`, reading through TypeScript's `ts.sys`. The forwarder maps
 * every path under that folder to the package folder, including `realpath`, so TypeScript
 * then works with the real files and resolves their own imports from the package's location.
 *
 * Run time: Node's CommonJS resolver is redirected for the bare specifier and its subpaths,
 * which resolve from the package folder itself and so follow its `exports` map.
 */
import Module, { createRequire } from "node:module";
import { join } from "node:path";

import type { TypeScriptSystem } from "./tslab";

/** Function that maps a path to the path to read instead, and returns other paths unchanged. */
export type PathForwarder = (path: string) => string;

/**
 * Creates a forwarder from `<cwd>/node_modules/<packageName>` to `packageRoot`.
 * Both sides use forward slashes, as TypeScript does on every platform.
 */
export function createPathForwarder(cwd: string, packageName: string, packageRoot: string): PathForwarder {
  const from = toForwardSlashes(join(cwd, "node_modules", packageName));
  const to = toForwardSlashes(packageRoot);
  return (path) => {
    if (path === from) {
      return to;
    }
    if (path.startsWith(`${from}/`)) {
      return to + path.slice(from.length);
    }
    return path;
  };
}

/**
 * Wraps the file-system methods of `sys` so that they read forwarded paths.
 * Call this before tslab creates a converter, because the converter binds `realpath` once.
 * Returns a function that restores the original methods.
 */
export function forwardTypeScriptPaths(sys: TypeScriptSystem, forward: PathForwarder): () => void {
  const original = {
    readFile: sys.readFile,
    fileExists: sys.fileExists,
    directoryExists: sys.directoryExists,
    getDirectories: sys.getDirectories,
    readDirectory: sys.readDirectory,
    realpath: sys.realpath,
  };

  sys.readFile = (path, encoding) => original.readFile.call(sys, forward(path), encoding);
  sys.fileExists = (path) => original.fileExists.call(sys, forward(path));
  sys.directoryExists = (path) => original.directoryExists.call(sys, forward(path));
  sys.getDirectories = (path) => original.getDirectories.call(sys, forward(path));
  sys.readDirectory = (path, extensions, exclude, include, depth) =>
    original.readDirectory.call(sys, forward(path), extensions, exclude, include, depth);
  sys.realpath = (path) => {
    const forwarded = forward(path);
    return original.realpath === undefined ? forwarded : original.realpath.call(sys, forwarded);
  };

  return () => {
    Object.assign(sys, original);
  };
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/**
 * Redirects `require("<packageName>")` and `require("<packageName>/<subpath>")` anywhere in the
 * process to the package in `packageRoot`, resolved through its package.json `exports`.
 * Returns a function that removes the redirection.
 */
export function redirectPackageRequire(packageName: string, packageRoot: string): () => void {
  // Module._resolveFilename is Node's internal CommonJS resolver. It is undocumented but has
  // kept its signature for many major versions, and it is the one hook that reaches the
  // requires of compiled cells.
  const resolver = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = resolver._resolveFilename;
  const requireFromPackage = createRequire(join(packageRoot, "package.json"));
  let redirecting = false;

  resolver._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    const matches = request === packageName || request.startsWith(`${packageName}/`);
    if (!matches || redirecting) {
      return original.call(this, request, parent, isMain, options);
    }
    // Inside the package folder, Node resolves the package's own name through its exports map.
    redirecting = true;
    try {
      return requireFromPackage.resolve(request);
    } finally {
      redirecting = false;
    }
  };

  return () => {
    resolver._resolveFilename = original;
  };
}

function toForwardSlashes(path: string): string {
  return path.replace(/\\/g, "/");
}
