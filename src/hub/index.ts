/** The Hugging Face Hub: push a dataset as LeRobot does, and fetch one by repo id. */
export { hubConfig, loginHint } from "./config.js";
export type { HubConfig } from "./config.js";
export { HubError, PushError } from "./errors.js";
export { datasetCard } from "./card.js";
export type { DatasetCardOptions } from "./card.js";
export { pushDataset } from "./push.js";
export type { PushOptions, PushProgress, PushResult } from "./push.js";
export { pullDataset } from "./pull.js";
export type { EpisodeSelection, PullOptions, PullProgress, PullResult } from "./pull.js";
export { chooseRevision } from "./revision.js";
export type { RevisionChoice } from "./revision.js";
export { ensureLocalDataset } from "./ensure.js";
export type { EnsureLocalOptions } from "./ensure.js";
export { openDataset } from "./open.js";
export type { OpenHubDatasetOptions } from "./open.js";
export { isRepoId } from "./repo-id.js";
// For the layers above (not the public API, which src/index.ts lists).
export { describeHubFailure, hubStatus } from "./errors.js";
export { checkRepoId } from "./repo-id.js";
export { repoSnapshot } from "./snapshot.js";
