/** Model sources on the Hugging Face hub: the local hub cache, and downloads into it. */
export { resolveHubModel, type HubModelFiles, type ResolveHubModelOptions } from "./resolve-hub-model";
export { isHubModelId, parseHubModelId, repoFolderName, validateRevision, isCommitHash, DEFAULT_REVISION, MAX_MODEL_NAME_LENGTH, type HubModelId } from "./model-id";
export {
  resolveHubCacheDir,
  resolveHuggingFaceHome,
  resolveHubEndpoint,
  resolveHubToken,
  resolveHubTimeout,
  offlineVariable,
  DEFAULT_HUB_ENDPOINT,
  DEFAULT_HUB_TIMEOUT_MS,
  TRUE_ENVIRONMENT_VALUES,
  type HubEnvironment,
  type HubToken,
} from "./hub-settings";
export { HubModelError, HUB_ERROR_CODES, type HubErrorCode, type HubModelErrorDetails } from "./hub-errors";
export { formatDownloadProgress, type DownloadProgress, type DownloadProgressCallback } from "./download-progress";
export { HUB_ONNX_CANDIDATES, OPTIONAL_MODEL_FILES, TOKENIZER_FILE } from "./repo-files";
