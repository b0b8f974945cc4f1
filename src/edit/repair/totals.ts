/**
 * info.total_episodes / total_frames / total_tasks / splits: the counts info.json keeps of what
 * meta/episodes and meta/tasks.parquet hold, stale after a save that died between writing the
 * episode's metadata and info.json (the writer's commit point). They are set from the metadata,
 * as verify's hint says, once verify has checked that metadata against the data rows.
 */
import { INFO_PATH, toPythonJson, resolveInside } from "../../dataset/index.js";
import type { CheckId } from "../../verify/index.js";
import { INFO_TOTALS } from "./metadata.js";
import { replaceWithBytes } from "./replace.js";
import type { PlanInput, RepairPlan } from "./types.js";
import { emptyPlan, trusted, untrustedReason } from "./types.js";

export function planTotals(input: PlanInput): RepairPlan {
  const plan = emptyPlan();
  const stale = input.findings.filter((f) => INFO_TOTALS.includes(f.check as CheckId));
  if (stale.length === 0) return plan;
  const settles = [...new Set(stale.map((f) => f.check as CheckId))];
  const refuse = (why: string, checks = settles) => {
    for (const check of checks) plan.refused.push({ check, file: INFO_PATH, why });
    return plan;
  };
  const meta = trusted(input);
  if (!meta) return refuse(untrustedReason(input));
  // The counts come from the metadata; only trust it when the data rows agree with it.
  const data = input.report.groups.find((g) => g.group === "data");
  const dataErrors = input.findings.filter((f) => f.group === "data" && f.severity === "error" && f.check !== "data.unreferenced_rows");
  if (!data || data.status === "skipped" || dataErrors.length > 0) {
    return refuse(`the data rows ${dataErrors.length > 0 ? `have errors (${dataErrors[0]!.check})` : "were not checked"}, so the episodes metadata cannot be confirmed against them`);
  }

  const { info, episodes, tasks } = meta;
  const next = { ...info, total_episodes: episodes.length, total_frames: episodes.reduce((n, e) => n + e.length, 0), total_tasks: tasks.length };
  const changes: string[] = [];
  for (const key of ["total_episodes", "total_frames", "total_tasks"] as const) {
    if (info[key] !== next[key]) changes.push(`${key} ${info[key]} -> ${next[key]}`);
  }
  // The split LeRobot writes covers every episode; any other split is the user's choice.
  const splits = Object.entries(info.splits);
  const simple = splits.length === 1 && splits[0]![0] === "train" && /^0:\d+$/.test(splits[0]![1]);
  if (simple && info.splits.train !== `0:${episodes.length}`) {
    next.splits = { train: `0:${episodes.length}` };
    changes.push(`splits.train ${info.splits.train} -> 0:${episodes.length}`);
  } else if (!simple && settles.includes("info.splits")) {
    refuse("splits other than LeRobot's one train split are a choice repair does not make", ["info.splits"]);
  }
  if (changes.length === 0) return plan;
  plan.steps.push({
    check: settles.find((c) => c !== "info.splits") ?? settles[0]!, file: INFO_PATH,
    settles: settles.filter((c) => c !== "info.splits" || simple),
    what: `set ${changes.join(", ")} from meta/episodes and meta/tasks.parquet`,
    apply: () => replaceWithBytes(resolveInside(input.root, INFO_PATH), Buffer.from(toPythonJson(next))),
  });
  return plan;
}
