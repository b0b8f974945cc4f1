/**
 * Why repair leaves a finding as it is, per kind of finding: what it would take, said in one line.
 * Planners give more specific reasons for the findings they looked at and refused.
 */
import type { CheckId } from "../../verify/index.js";
import { CHECKS } from "../../verify/index.js";

const LOST = "the data is gone or damaged; repair does not recreate what is lost (restore the file from the recording machine)";

const BY_CHECK: Partial<Record<CheckId, string>> = {
  "info.version": "a v2.1 dataset needs converting, not repairing",
  "files.unreferenced": "kept: nothing refers to it; run with --remove-unreferenced to delete it",
  "files.leftover_images": "they may be the only copy of frames never encoded; delete images/ yourself once checked",
  "videos.unreferenced_tail": "harmless frames no episode uses; dropping them would rewrite the mp4, which repair does not do",
  "videos.gap": "harmless frames no episode uses; dropping them would rewrite the mp4, which repair does not do",
  "stats.episode_missing": "adding per-episode stats rewrites meta/episodes, which repair does not do",
  "data.extra_column": "an undeclared column may be the user's; declaring or dropping it is a choice",
  "tasks.unused": "an unused task may be intended; removing it renumbers task_index",
  "episodes.meta_location": "harmless for loading; rewriting meta/episodes for it is not worth the risk",
};

const BY_GROUP: Partial<Record<string, string>> = {
  quality: "a property of the recorded values; repair does not change recorded data",
  deep: "the video frames themselves are wrong; only re-encoding from the source fixes them",
};

export function whyUnfixed(check: CheckId): string {
  const specific = BY_CHECK[check];
  if (specific) return specific;
  const group = check.slice(0, check.indexOf("."));
  const byGroup = BY_GROUP[group];
  if (byGroup) return byGroup;
  if (/\.(missing|missing_file|no_footer|unreadable)$/.test(check)) return LOST;
  return `fixing it needs a decision repair does not make: ${CHECKS[check]?.hint ?? "see verify's hint"}`;
}
