/**
 * Typed errors thrown by the library. Each names the file (or feature) it concerns so the CLI
 * can print one clear line; only the CLI turns them into exit codes.
 */

/** Something about a dataset on disk (or a frame given to the writer) is wrong. */
export class DatasetError extends Error {
  override name = "DatasetError";
  /** The file the problem was found in, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
  }
}

/** A frame handed to DatasetWriter.addFrame does not match the declared features. */
export class FrameValidationError extends DatasetError {
  override name = "FrameValidationError";
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(`feature '${feature}': ${message}`);
    this.feature = feature;
  }
}

/** ffmpeg is missing, lacks an encoder, or failed. */
export class VideoError extends Error {
  override name = "VideoError";
  readonly file: string | undefined;
  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
  }
}
