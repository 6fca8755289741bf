/**
 * Runs resolveHubModel in a child process, so that a test can kill the process mid-download.
 * Usage: node --import tsx resolve-in-child.ts <model id> <environment as JSON>
 */

import { resolveHubModel } from "../../../kernel/src/model";

const [modelId, environment] = process.argv.slice(2);
resolveHubModel(modelId!, { env: JSON.parse(environment!) as Record<string, string> }).then(
  (resolved) => console.log(JSON.stringify(resolved)),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
