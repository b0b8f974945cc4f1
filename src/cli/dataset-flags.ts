/** LeRobot's `--dataset.repo_id` / `--dataset.root` for commands that read a dataset (replay, calibrate-test). */
import path from "node:path";
import { lerobotHome } from "../dataset/index.js";
import { UsageError } from "./errors.js";

/** The dataset folder: `--dataset.root` itself (as LeRobot), else $HF_LEROBOT_HOME/<repo_id>. */
export function datasetFolder(flags: Record<string, unknown>): { repoId: string; root: string } {
  const repoId = flags["dataset.repo_id"] as string | undefined;
  if (!repoId) throw new UsageError("--dataset.repo_id is required (e.g. --dataset.repo_id=me/pick_cube)");
  const root = flags["dataset.root"] as string | undefined;
  return { repoId, root: path.resolve(root ?? path.join(lerobotHome(), repoId)) };
}
