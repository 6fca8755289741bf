import * as path from "node:path";

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The bundled default model. */
export const BUNDLED_MODEL = path.join(REPO_ROOT, "kernel", "models", "tiny-dnabert2");

/** The bundled taxonomy classifier. */
export const TAXONOMY_MODEL = path.join(REPO_ROOT, "kernel", "models", "tiny-dnabert2-taxonomy");

/** Bundled DNA data. */
export const DATA_DIR = path.join(REPO_ROOT, "kernel", "data");

/** Test fixtures with their provenance. */
export const FIXTURES_DIR = path.join(REPO_ROOT, "test", "fixtures");

/** Folder for screenshots and reports: DNAQUANT_TEST_ARTIFACTS when set, else test-artifacts/. */
export const ARTIFACTS_DIR = path.resolve(process.env.DNAQUANT_TEST_ARTIFACTS || path.join(REPO_ROOT, "test-artifacts"));
