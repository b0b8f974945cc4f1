/**
 * Where verify and inspect read a dataset from: `hf://datasets/<repo_id>[@<revision>]`, or a repo
 * id with `remote`, is read on the Hub in place; anything else is a folder resolved as LeRobot
 * resolves it (--root/<repo_id>, a path, or $HF_LEROBOT_HOME/<repo_id>).
 */
import fs from "node:fs";
import type { DatasetFiles } from "../dataset/index.js";
import { LocalDatasetFiles, resolveDatasetRoot } from "../dataset/index.js";
import { HubError } from "../hub/index.js";
import { openHubDatasetFiles } from "./hub-dataset-files.js";

/** Where verify and inspect read a dataset: a local folder, or with `remote` the Hub in place. */
export interface DatasetPlaceOptions {
  /** Parent folder of a repo id (LeRobot's --root); local datasets only. */
  root?: string;
  /** Read the repo id on the Hub instead of a local folder. */
  remote?: boolean;
  /** Hub revision (branch, tag or commit); default: LeRobot's choice (v3.0 tag, else main). */
  revision?: string;
  /** Environment for HF_LEROBOT_HOME, HF_ENDPOINT, HF_TOKEN. */
  env?: NodeJS.ProcessEnv;
  /** One-line remarks (a fallback revision). */
  onNote?: (line: string) => void;
}

const HUB_URL = /^hf:\/\/datasets\/([^@]+?)(?:@(.+))?$/;

/** The repo id and revision of an `hf://datasets/...` address, or undefined for anything else. */
export function parseHubDatasetUrl(target: string): { repoId: string; revision?: string } | undefined {
  if (!target.startsWith("hf://")) return undefined;
  const m = HUB_URL.exec(target);
  if (!m) throw new HubError(`'${target}' is not a Hub dataset address: write hf://datasets/<namespace>/<name>[@<revision>]`);
  return m[2] === undefined ? { repoId: m[1]! } : { repoId: m[1]!, revision: decodeURIComponent(m[2]) };
}

export async function openDatasetFiles(target: string, options: DatasetPlaceOptions = {}): Promise<DatasetFiles> {
  const hub = parseHubDatasetUrl(target);
  if (hub || options.remote) {
    if (options.root !== undefined) throw new HubError("--root applies to a local dataset, not to one read on the Hub");
    const repoId = hub?.repoId ?? target;
    if (hub?.revision !== undefined && options.revision !== undefined && hub.revision !== options.revision) {
      throw new HubError(`${target} names revision ${hub.revision}, --revision says ${options.revision}: give one`);
    }
    const revision = options.revision ?? hub?.revision;
    return openHubDatasetFiles(repoId, {
      ...(revision !== undefined ? { revision } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.onNote ? { onNote: options.onNote } : {}),
    });
  }
  if (options.revision !== undefined) throw new HubError("--revision applies to a dataset read on the Hub (hf://datasets/<repo_id> or --remote)");
  return new LocalDatasetFiles(resolveDatasetRoot(target, {
    ...(options.root !== undefined ? { root: options.root } : {}), ...(options.env ? { env: options.env } : {}), exists: (p) => fs.existsSync(p),
  }));
}
