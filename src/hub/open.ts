/**
 * openDataset as the library exports it: the local reader (dataset/reader.ts), preceded for a
 * repo id by ensureLocalDataset, so `openDataset("user/name")` downloads a dataset the local
 * cache lacks, as LeRobotDataset("user/name") does. The reader itself never touches the network.
 */
import { openDataset as openLocalDataset } from "../dataset/reader.js";
import type { LeRobotDataset, OpenDatasetOptions } from "../dataset/reader.js";
import { ensureLocalDataset } from "./ensure.js";
import type { EnsureLocalOptions } from "./ensure.js";

export type OpenHubDatasetOptions = OpenDatasetOptions & Omit<EnsureLocalOptions, "folder">;

export async function openDataset(rootOrRepoId: string, options: OpenHubDatasetOptions = {}): Promise<LeRobotDataset> {
  const root = await ensureLocalDataset(rootOrRepoId, options);
  return openLocalDataset(root);
}
