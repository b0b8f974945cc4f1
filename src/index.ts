/** lerobot-ts: the public library API. */
export * from "./dataset/index.js";
export { DatasetError, FrameValidationError, VideoError } from "./errors.js";
