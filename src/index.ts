/** lerobot-ts: the public library API. */
export * from "./dataset/index.js";
export * from "./inspect/index.js";
export { DatasetError, FrameValidationError, VideoError } from "./errors.js";
export * from "./verify/index.js";
export * from "./hardware/index.js";
export * from "./processes/index.js";
export * from "./view/index.js";
export * from "./edit/index.js";
export * from "./hub/index.js";
// The Hub-aware openDataset (fetches a repo id the local cache lacks) takes the place of dataset/'s.
export { openDataset } from "./hub/index.js";
