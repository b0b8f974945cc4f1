/** info.json's totals and splits against what the metadata holds. */
import path from "node:path";
import { INFO_PATH } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

export function checkTotals(ctx: VerifyContext): void {
  const info = ctx.info;
  if (!info) return;
  const file = path.join(ctx.root, INFO_PATH);
  if (ctx.episodes) {
    const episodes = ctx.episodes.length;
    const frames = ctx.episodes.reduce((n, e) => n + e.length, 0);
    if (info.total_episodes !== episodes) {
      ctx.add("info.total_episodes", `total_episodes is ${info.total_episodes}, meta/episodes has ${episodes}`, { file, column: "total_episodes" });
    }
    if (info.total_frames !== frames) {
      ctx.add("info.total_frames", `total_frames is ${info.total_frames}, the episodes' lengths add up to ${frames}`, { file, column: "total_frames" });
    }
    if (episodes === 0) ctx.add("dataset.empty", "the dataset has no episodes", { file });
  }
  if (ctx.tasks && info.total_tasks !== ctx.tasks.length) {
    ctx.add("info.total_tasks", `total_tasks is ${info.total_tasks}, meta/tasks.parquet has ${ctx.tasks.length}`, { file, column: "total_tasks" });
  }
  for (const [split, range] of Object.entries(info.splits)) {
    const match = /^(\d+):(\d+)$/.exec(range);
    const [from, to] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!match || from > to) {
      ctx.add("info.splits", `split '${split}' is '${range}', not a range 'start:end'`, { file, column: `splits.${split}` });
    } else if (to > info.total_episodes) {
      ctx.add("info.splits", `split '${split}' is '${range}' but there are ${info.total_episodes} episodes`, { file, column: `splits.${split}` });
    }
  }
}
