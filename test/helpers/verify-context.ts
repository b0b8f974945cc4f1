/**
 * A VerifyContext over a dataset folder, loaded the way verifyDataset loads it up to one check
 * group, so a check's test can call that check alone and see only the findings it adds.
 */
import fs from "node:fs";
import path from "node:path";
import { LocalDatasetFiles } from "../../src/dataset/files.js";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { checkData } from "../../src/verify/checks/data.js";
import { checkEpisodes } from "../../src/verify/checks/episodes.js";
import { checkInfo } from "../../src/verify/checks/info.js";
import { checkStats } from "../../src/verify/checks/stats.js";
import { checkTasks, checkUnusedTasks } from "../../src/verify/checks/tasks.js";
import { checkTotals } from "../../src/verify/checks/totals.js";
import { loadUnfinishedSave } from "../../src/verify/checks/unfinished-save.js";
import type { VideoFile } from "../../src/verify/checks/videos.js";
import { checkVideos } from "../../src/verify/checks/videos.js";
import type { VerifyOptions } from "../../src/verify/context.js";
import { VerifyContext } from "../../src/verify/context.js";
import type { Finding } from "../../src/verify/findings.js";

/** The steps of verifyDataset, in its order. */
export const VERIFY_STEPS = ["info", "tasks", "episodes", "totals", "data", "unusedTasks", "videos", "stats", "files", "quality", "deep"] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

export function verifyContext(root: string, options: VerifyOptions = {}): VerifyContext {
  return new VerifyContext(new LocalDatasetFiles(root), options);
}

/**
 * A context with every step before `step` run, as verifyDataset runs them; resolves with the
 * context and the video files found (what checkDeep takes).
 */
export async function contextBefore(root: string, step: VerifyStep, options: VerifyOptions = {}): Promise<{ ctx: VerifyContext; videos: VideoFile[] }> {
  const ctx = verifyContext(root, options);
  let videos: VideoFile[] = [];
  const before = VERIFY_STEPS.slice(0, VERIFY_STEPS.indexOf(step));
  for (const s of before) {
    if (s === "info") {
      await checkInfo(ctx);
      if (!ctx.info) break;
      await loadUnfinishedSave(ctx);
    } else if (s === "tasks") await checkTasks(ctx);
    else if (s === "episodes") await checkEpisodes(ctx);
    else if (s === "totals") checkTotals(ctx);
    else if (s === "data") await checkData(ctx);
    else if (s === "unusedTasks") checkUnusedTasks(ctx);
    else if (s === "videos") videos = await checkVideos(ctx);
    else if (s === "stats") await checkStats(ctx);
    // files and quality load nothing later steps use
  }
  return { ctx, videos };
}

/** The findings `check` adds to the context (those of earlier steps left out). */
export async function findingsOf(ctx: VerifyContext, check: () => unknown): Promise<Finding[]> {
  const before = ctx.findings.findings.length;
  await check();
  return ctx.findings.findings.slice(before);
}

/** A finding's check id and file, the parts a test of a check is about. */
export const idAndFile = (f: Finding) => ({ check: f.check, file: f.file });

/**
 * A healthy dataset to copy and damage: 4 episodes of 100 frames (long enough for no quality
 * warning) and the cameras given (none is fastest; 64x48 otherwise).
 */
export async function writeVerifyBase(root: string, cameras: string[] = []): Promise<void> {
  await writeSyntheticDataset({ root, episodes: 4, frames: 100, cameras, width: 64, height: 48 });
}

/** A fresh copy of `base` under `dir`, named after the case. */
export function copyOf(base: string, dir: string, name: string): string {
  const root = path.join(dir, name.replace(/[^a-z0-9]+/gi, "-"));
  fs.cpSync(base, root, { recursive: true });
  return root;
}
