/**
 * The files of a dataset repo at one commit: the revision LeRobot would read (get_safe_version,
 * through chooseRevision) unless one is asked for, the commit it points to now, and every file
 * there. Pull and remote reads both start here.
 */
import { datasetInfo, listFiles } from "@huggingface/hub";
import type { ListFileEntry } from "@huggingface/hub";
import type { HubConfig } from "./config.js";
import { listRefs } from "./refs.js";
import { chooseRevision } from "./revision.js";

export interface RepoSnapshot {
  revision: string;
  commit: string;
  /** Every file (not folder) at the commit. */
  files: ListFileEntry[];
}

export async function repoSnapshot(
  repoId: string, config: HubConfig,
  options: { revision?: string | undefined; onNote?: ((note: string) => void) | undefined; onRevision?: ((revision: string) => void) | undefined } = {},
): Promise<RepoSnapshot> {
  const credentials = { hubUrl: config.endpoint, ...(config.token ? { accessToken: config.token } : {}) };
  let revision = options.revision;
  if (revision === undefined) {
    const choice = chooseRevision(repoId, await listRefs({ endpoint: config.endpoint, token: config.token, repoId }));
    revision = choice.revision;
    if (choice.note) options.onNote?.(choice.note);
  }
  options.onRevision?.(revision);
  // Everything is read at one commit, so a push landing meanwhile cannot mix two versions.
  const commit = (await datasetInfo({ ...credentials, name: repoId, revision, additionalFields: ["sha"] })).sha;
  const files: ListFileEntry[] = [];
  for await (const entry of listFiles({ ...credentials, repo: { type: "dataset", name: repoId }, revision: commit, recursive: true })) {
    if (entry.type === "file") files.push(entry);
  }
  return { revision, commit, files };
}
