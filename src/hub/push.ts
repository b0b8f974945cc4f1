/**
 * Push a local dataset to the Hub the way LeRobot's LeRobotDataset.push_to_hub does
 * (lerobot/datasets/lerobot_dataset.py): create the dataset repo if needed, upload the folder
 * (without images/, LeRobot's ignore pattern), write the dataset card, and tag the pushed
 * revision `v3.0` (deleting an older `v3.0` tag first), the tag LeRobot's get_safe_version looks
 * for when it loads the dataset.
 *
 * Files and card go up in one commit through @huggingface/hub's commit, so the Hub never shows a
 * half-pushed dataset. Large files go to LFS storage (or Xet, when the Hub offers it) before the
 * commit; if the push fails, what was uploaded stays on the Hub and a second push skips it.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { commitIter, createRepo, whoAmI } from "@huggingface/hub";
import type { CommitOperation } from "@huggingface/hub";
import { CODEBASE_VERSION, INFO_PATH, writerLockHolder, parsePythonJson } from "../dataset/index.js";
import { datasetCard } from "./card.js";
import { hubConfig, loginHint } from "./config.js";
import { HubError, PushError, describeHubFailure, hubStatus } from "./errors.js";
import { createTag, deleteTag } from "./refs.js";
import { checkRepoId } from "./repo-id.js";

/** Options of pushDataset: LeRobot's push_to_hub arguments in camelCase. */
export interface PushOptions {
  /** The dataset's repo id on the Hub, e.g. "me/pick_cube". */
  repoId: string;
  /** true: a private repo; undefined: the Hub's (or the organisation's) default. Only used when the repo is created. */
  private?: boolean;
  /** Card tags, after "LeRobot". */
  tags?: string[];
  /** Card license; LeRobot's default "apache-2.0". */
  license?: string | null;
  /** Branch to push to (default main). */
  branch?: string;
  /** Environment to read HF_ENDPOINT / HF_TOKEN / HF_HOME from. */
  env?: NodeJS.ProcessEnv;
  /** Called as the push goes through its phases. */
  onProgress?: (event: PushProgress) => void;
}

/** A push's progress: counting files, hashing, uploading bytes, committing, tagging. */
export type PushProgress =
  | { phase: "start"; files: number; bytes: number }
  | { phase: "hashing"; filesDone: number; files: number }
  | { phase: "uploading"; bytesDone: number; bytes: number }
  | { phase: "committing" }
  | { phase: "tagging"; tag: string };

/** What a push did. */
export interface PushResult {
  repoId: string;
  /** The dataset's page on the Hub. */
  url: string;
  /** The commit pushed (the tag points at it). */
  commit: string;
  /** The version tag set: `v3.0`. */
  tag: string;
  /** Files in the commit (the card included). */
  files: number;
  /** Their bytes. */
  bytes: number;
  /** False when the repo existed before this push. */
  createdRepo: boolean;
}

/**
 * Folders never uploaded: LeRobot's `images/` (frames not yet encoded), and what is not the
 * dataset: VCS, Hugging Face download caches, lerobot-ts's own lock and staging folder.
 */
const SKIPPED_TOP_DIRS = new Set(["images", ".git", ".cache", ".huggingface", ".lerobot-ts"]);

/**
 * Push the dataset folder `root` to the Hub as LeRobot's LeRobotDataset.push_to_hub: create the
 * repo if needed, upload the folder (not images/) and the dataset card in one commit, and tag
 * that commit `v3.0`. Reads the folder only; needs a token (HF_TOKEN or `hf auth login`).
 * @throws HubError when there is no token or the Hub rejects it, HF_HUB_OFFLINE is set, a
 *   recording holds the folder's writer lock, or the repo id or folder is not valid.
 * @throws PushError when the upload started and did not finish; pushing again resumes it.
 */
export async function pushDataset(root: string, options: PushOptions): Promise<PushResult> {
  const env = options.env ?? process.env;
  const config = hubConfig(env);
  const repoId = checkRepoId(options.repoId);
  const info = readInfo(root);
  // A recording still saving into the folder would be pushed half-written.
  const writer = writerLockHolder(root);
  if (writer !== undefined && writer !== process.pid) throw new HubError(`a recording (pid ${writer}) is still writing ${root}: push it once it has finished`);
  if (!config.token) throw new HubError(`no Hugging Face token, so nothing can be pushed: ${loginHint(config)}`);
  if (config.offline) throw new HubError("HF_HUB_OFFLINE is set: pushing needs the network");
  const credentials = { accessToken: config.token, hubUrl: config.endpoint };
  const target = { endpoint: config.endpoint, token: config.token, repoId };
  const branch = options.branch ?? "main";
  const retry = `run \`lerobot-ts push ${quoteArg(root)} --repo-id ${repoId}\` again to resume (files already uploaded are not sent again)`;

  // A rejected token is a login problem, not a failed upload: say so before anything else.
  try {
    await whoAmI(credentials);
  } catch (error) {
    const status = hubStatus(error);
    if (status === 401 || status === 403) throw new HubError(`the Hub at ${config.endpoint} rejected the token from ${config.tokenSource}: ${loginHint(config)}`);
    throw new PushError(`push to ${repoId} failed: ${describeHubFailure(error, config.endpoint)}; ${retry}`, { cause: error });
  }

  const files = listDatasetFiles(root);
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  options.onProgress?.({ phase: "start", files: files.length, bytes });
  let createdRepo = false;
  let commit: string;
  try {
    try {
      await createRepo({ ...credentials, repo: { type: "dataset", name: repoId }, ...(options.private === undefined ? {} : { private: options.private }) });
      createdRepo = true;
    } catch (error) {
      // 409: the repo exists, as create_repo(exist_ok=True) accepts.
      if (hubStatus(error) !== 409) throw error;
    }
    const card = datasetCard({ repoId, info, ...(options.license === undefined ? {} : { license: options.license }), ...(options.tags ? { tags: options.tags } : {}) });
    const operations: CommitOperation[] = [
      ...files.map((f): CommitOperation => ({ operation: "addOrUpdate", path: f.path, content: pathToFileURL(path.join(root, f.path)) })),
      { operation: "addOrUpdate", path: "README.md", content: new Blob([card]) },
    ];
    commit = await runCommit(credentials, repoId, branch, operations, files, options.onProgress);
    options.onProgress?.({ phase: "tagging", tag: CODEBASE_VERSION });
    // As push_to_hub(tag_version=True): move the version tag to what was just pushed.
    await deleteTag(target, CODEBASE_VERSION);
    await createTag(target, CODEBASE_VERSION, commit);
  } catch (error) {
    if (error instanceof HubError) throw error;
    const status = hubStatus(error);
    if (status === 401 || status === 403) {
      throw new PushError(`push to ${repoId} refused (${status}): the token from ${config.tokenSource} cannot write there (${describeHubFailure(error, config.endpoint)}); use a write token for that namespace, then ${retry}`, { cause: error });
    }
    throw new PushError(`push to ${repoId} failed: ${describeHubFailure(error, config.endpoint)}; ${retry}`, { cause: error });
  }
  return { repoId, url: `${config.endpoint}/datasets/${repoId}`, commit, tag: CODEBASE_VERSION, files: files.length + 1, bytes, createdRepo };
}

/** One commit through the client's commitIter, turning its events into byte-level progress. */
async function runCommit(
  credentials: { accessToken: string; hubUrl: string }, repoId: string, branch: string, operations: CommitOperation[],
  files: { path: string; size: number }[], onProgress: PushOptions["onProgress"],
): Promise<string> {
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const hashed = new Set<string>();
  const uploaded = new Map<string, number>();
  const iterator = commitIter({
    ...credentials,
    repo: { type: "dataset", name: repoId },
    operations,
    branch,
    title: "Upload dataset with lerobot-ts",
    // Deep LeRobot layouts (videos/<key>/chunk-XXX/file-XXX.mp4) must not be cut by the client's depth limit.
    maxFolderDepth: 64,
  });
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      if (!next.value) throw new Error("the Hub returned no commit");
      return next.value.commit.oid;
    }
    const event = next.value;
    if (event.event === "phase") {
      if (event.phase === "committing") onProgress?.({ phase: "committing" });
      continue;
    }
    if (event.state === "hashing") {
      if (event.progress >= 1 && !hashed.has(event.path)) {
        hashed.add(event.path);
        onProgress?.({ phase: "hashing", filesDone: hashed.size, files: files.length });
      }
    } else if (event.state === "uploading") {
      uploaded.set(event.path, (sizes.get(event.path) ?? 0) * event.progress);
      let done = 0;
      for (const v of uploaded.values()) done += v;
      onProgress?.({ phase: "uploading", bytesDone: Math.round(done), bytes: total });
    }
  }
}

/** Every file to upload, posix paths relative to root, sorted. */
export function listDatasetFiles(root: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (rel === "" ? !SKIPPED_TOP_DIRS.has(entry.name) : entry.name !== ".git") walk(child);
      } else if (entry.isFile()) {
        // The card is generated; a local README.md would be replaced by it anyway.
        if (child === "README.md") continue;
        out.push({ path: child, size: fs.statSync(path.join(root, child)).size });
      }
    }
  };
  walk("");
  return out;
}

/** meta/info.json, which must say v3.0: the version tag names what the files are. */
function readInfo(root: string): Record<string, unknown> {
  const file = path.join(root, INFO_PATH);
  let info: Record<string, unknown>;
  try {
    info = parsePythonJson(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HubError(code === "ENOENT" ? `no LeRobot dataset at ${root} (no ${INFO_PATH})` : `${file}: ${(error as Error).message}`);
  }
  if (info.codebase_version !== CODEBASE_VERSION) {
    throw new HubError(`${root} is a LeRobot ${String(info.codebase_version)} dataset; push takes ${CODEBASE_VERSION} (convert it first with \`lerobot-ts convert\`)`);
  }
  return info;
}

function quoteArg(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
