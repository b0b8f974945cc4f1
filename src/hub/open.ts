/**
 * openDataset as the library exports it: the local reader (dataset/reader.ts), preceded for a
 * repo id by ensureLocalDataset, so `openDataset("user/name")` downloads a dataset the local
 * cache lacks, as LeRobotDataset("user/name") does. The reader itself never touches the network.
 */
import { openDataset as openLocalDataset } from "../dataset/index.js";
import type { LeRobotDataset, OpenDatasetOptions } from "../dataset/index.js";
import { ensureLocalDataset } from "./ensure.js";
import type { EnsureLocalOptions } from "./ensure.js";

/** Options of openDataset: the reader's, and where a repo id is looked for and downloaded. */
export type OpenHubDatasetOptions = OpenDatasetOptions & Omit<EnsureLocalOptions, "folder">;

/**
 * Open a LeRobot v3.0 dataset for reading, as LeRobot's LeRobotDataset(repo_id, root=...): a
 * folder path, or a repo id looked up under `root` or $HF_LEROBOT_HOME and downloaded into it
 * (pullDataset) when missing or incomplete, only the `episodes` asked for when given.
 * Resolves with the LeRobotDataset (reads meta/ only until asked for data).
 * @throws DatasetError when the folder is not a readable v3.0 dataset (see the reader).
 * @throws HubError when a download is needed and fails (offline, no such repo, ...).
 */
export async function openDataset(rootOrRepoId: string, options: OpenHubDatasetOptions = {}): Promise<LeRobotDataset> {
  const root = await ensureLocalDataset(rootOrRepoId, options);
  return openLocalDataset(root);
}
