/** Progress events of hub downloads, and a one-line text form for callers that print them. */

/** Progress of one file download, reported after each piece of the body is written. */
export interface DownloadProgress {
  /** The model id, such as `owner/name`. */
  modelId: string;
  /** The file in the repository, such as `onnx/model.onnx`. */
  file: string;
  /** Bytes written so far; starts at 0 and increases with each event of a file. */
  bytesDone: number;
  /** Size of the file in bytes from the hub's headers, or undefined when the hub did not send it. */
  bytesTotal: number | undefined;
}

/** Receives {@link DownloadProgress} events; an exception thrown here cancels the download. */
export type DownloadProgressCallback = (progress: DownloadProgress) => void;

/**
 * Formats a progress event as one line, such as
 * `owner/name onnx/model.onnx: 1.5 MB of 4.3 MB (35%)`, with decimal megabytes.
 */
export function formatDownloadProgress(progress: DownloadProgress): string {
  const done = formatMegabytes(progress.bytesDone);
  if (progress.bytesTotal === undefined || progress.bytesTotal === 0) {
    return `${progress.modelId} ${progress.file}: ${done}`;
  }
  const percent = Math.floor((100 * progress.bytesDone) / progress.bytesTotal);
  return `${progress.modelId} ${progress.file}: ${done} of ${formatMegabytes(progress.bytesTotal)} (${percent}%)`;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
