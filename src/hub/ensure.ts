/**
 * A dataset named by repo id is read from the local cache, and fetched from the Hub when the
 * cache lacks it, as LeRobotDataset does (try the local copy, else download). Paths never touch
 * the network; neither does a complete local copy (unless a --revision is asked for).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { INFO_PATH, resolveDatasetRoot } from "../dataset/index.js";
import { episodeFiles, pullDataset } from "./pull.js";
import type { PullOptions, PullResult } from "./pull.js";
import { isRepoId } from "./repo-id.js";

/** Where openDataset looks for or downloads a repo id (pullDataset's options, and more). */
export interface EnsureLocalOptions extends Omit<PullOptions, "root"> {
  /** Parent folder of the repo id (LeRobot's --root for verify/inspect/view): the dataset is root/<repo_id>. */
  root?: string;
  /** The dataset folder itself (LeRobot's --dataset.root for record/replay). */
  folder?: string;
  /** Called when a download happened. */
  onPull?: (result: PullResult) => void;
}

/** The local dataset folder for `rootOrRepoId`, downloading what is missing when it is a repo id. */
export async function ensureLocalDataset(rootOrRepoId: string, options: EnsureLocalOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const local = options.folder !== undefined
    ? path.resolve(expandHome(options.folder))
    : resolveDatasetRoot(rootOrRepoId, { ...(options.root === undefined ? {} : { root: options.root }), exists: (p) => fs.existsSync(p), env });
  if (!fromHub(rootOrRepoId, options)) return local;
  if (options.revision === undefined && (await hasFiles(local, options))) return local;
  const { folder: _folder, root: _root, onPull, ...pullOptions } = options;
  const result = await pullDataset(rootOrRepoId, { ...pullOptions, root: local });
  onPull?.(result);
  return local;
}

/** Only a repo id that no local path spells out can come from the Hub. */
function fromHub(target: string, options: EnsureLocalOptions): boolean {
  if (!isRepoId(target)) return false;
  if (options.folder !== undefined || options.root !== undefined) return true;
  return !fs.existsSync(expandHome(target));
}

/** meta/ is there and so is every data (and video) file of the wanted episodes. */
async function hasFiles(root: string, options: EnsureLocalOptions): Promise<boolean> {
  if (!fs.existsSync(path.join(root, INFO_PATH))) return false;
  let files: string[];
  try {
    // An episode the local metadata lacks is left for the command to report, not fetched.
    files = await episodeFiles(root, options.episodes, options.videos ?? true, { skipUnknown: true });
  } catch {
    // Metadata that does not read: the Hub's copy replaces it.
    return false;
  }
  return files.every((f) => fs.existsSync(path.join(root, f)));
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}
