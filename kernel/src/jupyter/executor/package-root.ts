import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Returns the nearest folder at or above `startDirectory` whose package.json has the name
 * `packageName`. Throws an Error naming both when no such folder exists.
 */
export function findPackageRoot(startDirectory: string, packageName: string): string {
  let directory = startDirectory;
  for (;;) {
    if (readPackageName(join(directory, "package.json")) === packageName) {
      return directory;
    }
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`No package.json named "${packageName}" found in ${startDirectory} or its parent folders.`);
    }
    directory = parent;
  }
}

function readPackageName(packageJsonPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(packageJsonPath, "utf8");
  } catch {
    // A folder without package.json is expected on the way up.
    return undefined;
  }
  try {
    const json = JSON.parse(text) as { name?: unknown };
    return typeof json.name === "string" ? json.name : undefined;
  } catch {
    // Invalid JSON cannot name the package we look for.
    return undefined;
  }
}
