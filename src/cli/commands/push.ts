/**
 * `lerobot-ts push <path | repo_id> [--repo-id ID] [--private BOOL] [--tags LIST] [--license ID]`:
 * upload a local LeRobot v3.0 dataset to the Hugging Face Hub as LeRobot's push_to_hub does
 * (repo, files, dataset card, `v3.0` tag). Exit 0 pushed, 1 the upload failed (run it again to
 * resume), 2 usage: no dataset there, no token, a repo id that is not one.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { lerobotHome, resolveDatasetRoot } from "../../dataset/index.js";
import { isRepoId, pushDataset } from "../../hub/index.js";
import { UsageError } from "../errors.js";
import { parseBoolFlag } from "../flags.js";
import { pushProgress } from "../hub-progress.js";
import { parseStringList } from "../no-effect.js";

interface PushFlags {
  repoId?: string;
  repo_id?: string;
  root?: string;
  private?: string;
  tags?: string;
  license?: string;
  branch?: string;
}

export function registerPush(program: Command): void {
  program
    .command("push")
    .description("upload a dataset to the Hugging Face Hub as LeRobot does: repo, files, dataset card and the v3.0 tag")
    .argument("<dataset>", "dataset folder, or a repo id (its folder is $HF_LEROBOT_HOME/<repo_id>, or --root/<repo_id>)")
    .option("--repo-id <id>", "repo id on the Hub (default: the repo id given, or the folder's place under $HF_LEROBOT_HOME)")
    .option("--repo_id <id>", "the same as --repo-id")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--private <bool>", "create the repo private (an existing repo keeps its visibility)")
    .option("--tags <list>", "card tags after LeRobot, e.g. '[\"so101\",\"tutorial\"]'")
    .option("--license <id>", "card license (LeRobot's default apache-2.0; 'null' for none)", "apache-2.0")
    .option("--branch <name>", "branch to push to", "main")
    .action(async (target: string, flags: PushFlags) => {
      const { root, repoId } = pushTarget(target, flags);
      const isPrivate = flags.private === undefined || /^(null|none)$/i.test(flags.private) ? undefined : parseBoolFlag("private", flags.private, false);
      const tags = flags.tags === undefined ? undefined : parseStringList("tags", flags.tags);
      const license = flags.license === undefined || /^(null|none)$/i.test(flags.license) ? null : flags.license;
      const progress = pushProgress();
      try {
        const result = await pushDataset(root, {
          repoId, license, ...(isPrivate === undefined ? {} : { private: isPrivate }), ...(tags ? { tags } : {}),
          ...(flags.branch ? { branch: flags.branch } : {}), onProgress: progress.update,
        });
        progress.done();
        process.stdout.write(`pushed ${root} to ${result.url} (${result.files} files, commit ${result.commit.slice(0, 8)}, tag ${result.tag})\n`);
      } finally {
        progress.done();
      }
    });
}

/** The folder to push and the repo id to push it as. */
function pushTarget(target: string, flags: PushFlags): { root: string; repoId: string } {
  const given = flags.repoId ?? flags.repo_id;
  const root = resolveDatasetRoot(target, { ...(flags.root === undefined ? {} : { root: flags.root }), exists: (p) => fs.existsSync(p) });
  if (!fs.existsSync(path.join(root, "meta", "info.json"))) {
    throw new UsageError(`no LeRobot dataset at ${root} (no meta/info.json)`);
  }
  let repoId = given;
  if (repoId === undefined) {
    if (flags.root !== undefined || (isRepoId(target) && root === path.join(lerobotHome(), target))) repoId = target;
    else {
      // A folder under $HF_LEROBOT_HOME is <namespace>/<name> there, as record lays it out.
      const rel = path.relative(lerobotHome(), root).split(path.sep).join("/");
      if (isRepoId(rel)) repoId = rel;
    }
  }
  if (repoId === undefined) throw new UsageError(`${root} is not under $HF_LEROBOT_HOME: give the Hub repo id with --repo-id=<namespace>/<name>`);
  if (!isRepoId(repoId)) throw new UsageError(`--repo-id: '${repoId}' is not a Hub repo id (namespace/name)`);
  return { root, repoId };
}
