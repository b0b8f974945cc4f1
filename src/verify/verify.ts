/**
 * verifyDataset: run every check group over a dataset (a folder, or a Hub repo read in place over
 * range requests) and build the report. Groups run in dependency order (info -> tasks ->
 * episodes -> data -> videos -> stats -> files -> quality -> deep); a group whose inputs could
 * not be loaded is marked skipped with the reason.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DatasetError } from "../errors.js";
import type { DatasetFiles } from "../dataset/index.js";
import { videoKeys } from "../dataset/index.js";
import { HubError } from "../hub/index.js";
import type { DatasetPlaceOptions } from "../remote/index.js";
import { openDatasetFiles, parseHubDatasetUrl } from "../remote/index.js";
import type { CheckGroup } from "./catalog.js";
import { CHECK_GROUPS } from "./catalog.js";
import type { VerifyOptions } from "./context.js";
import { VerifyContext } from "./context.js";
import { checkData } from "./checks/data.js";
import { checkDeep } from "./checks/deep.js";
import { checkEpisodes } from "./checks/episodes.js";
import { checkFiles } from "./checks/files.js";
import { checkInfo } from "./checks/info.js";
import { checkQuality } from "./checks/quality.js";
import { checkStats } from "./checks/stats.js";
import { checkTasks, checkUnusedTasks } from "./checks/tasks.js";
import { checkTotals } from "./checks/totals.js";
import { loadUnfinishedSave, reportUnfinishedSave } from "./checks/unfinished-save.js";
import type { VideoFile } from "./checks/videos.js";
import { checkVideos } from "./checks/videos.js";
import type { VerifyGroupResult, VerifyReport } from "./report.js";
import { VERIFY_REPORT_SCHEMA_ID } from "./report.js";

/** verifyDataset's options: what to check (VerifyOptions), where the dataset is (local, Hub), and strictness. */
export interface VerifyDatasetOptions extends VerifyOptions, Omit<DatasetPlaceOptions, "root"> {
  /** Warnings make the dataset invalid too. */
  strict?: boolean;
}

/** There is no dataset at the place given (exit 2 in the CLI, unlike an invalid dataset). */
export class NoDatasetError extends DatasetError {
  override name = "NoDatasetError";
}

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

/**
 * Verify a dataset folder or repo id (resolved as LeRobot does), or a Hub dataset in place:
 * `hf://datasets/<repo_id>[@<revision>]`, or a repo id with `remote: true`.
 */
export async function verifyDataset(pathOrRepoId: string, options: VerifyDatasetOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  if (options.deep && (options.remote || parseHubDatasetUrl(pathOrRepoId))) {
    throw new HubError("--deep decodes every video frame, which means downloading the videos: download the dataset and verify the folder with --deep");
  }
  const files = await openDatasetFiles(pathOrRepoId, options);
  if (files.traffic()) assertRepoLooksLikeDataset(files);
  else assertLooksLikeDataset(files.root);
  const ctx = new VerifyContext(files, options);
  const ms = new Map<CheckGroup, number>();
  const run = async (group: CheckGroup, step: () => unknown) => {
    ctx.progress(group, 0, 1);
    const t = performance.now();
    await step();
    ms.set(group, (ms.get(group) ?? 0) + performance.now() - t);
  };

  await run("info", () => checkInfo(ctx));
  if (ctx.info) {
    await loadUnfinishedSave(ctx);
    await run("tasks", () => checkTasks(ctx));
    await run("episodes", () => checkEpisodes(ctx));
    await run("info", () => checkTotals(ctx));
    await run("data", () => checkData(ctx));
    await run("tasks", () => checkUnusedTasks(ctx));
    let videos: VideoFile[] = [];
    if (options.skipVideos) ctx.skipped.set("videos", "--skip-videos");
    else await run("videos", async () => { videos = await checkVideos(ctx); });
    await run("stats", () => checkStats(ctx));
    await run("files", () => checkFiles(ctx));
    reportUnfinishedSave(ctx);
    await run("quality", () => checkQuality(ctx));
    if (!options.deep) ctx.skipped.set("deep", "run with --deep to decode every frame");
    else if (options.skipVideos) ctx.skipped.set("deep", "--skip-videos");
    else await run("deep", () => checkDeep(ctx, videos));
    if (!ctx.episodes) for (const g of ["data", "videos", "stats", "files", "quality", "deep"] as const) if (!ctx.skipped.has(g)) ctx.skipped.set(g, "the episodes metadata could not be read");
  } else {
    for (const g of CHECK_GROUPS) if (g !== "info" && g !== "dataset") ctx.skipped.set(g, "meta/info.json could not be used");
  }
  return buildReport(ctx, options, ms, performance.now() - started);
}

/** A folder with neither meta/ nor data/ is not a dataset with problems: it is no dataset. */
export function assertLooksLikeDataset(root: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new NoDatasetError(`no dataset at ${root}: the folder does not exist`, { file: root });
  }
  if (!stat.isDirectory()) throw new NoDatasetError(`no dataset at ${root}: it is a file, not a dataset folder`, { file: root });
  if (!fs.existsSync(path.join(root, "meta")) && !fs.existsSync(path.join(root, "data"))) {
    throw new NoDatasetError(`no LeRobot dataset at ${root}: it has neither meta/ nor data/`, { file: root });
  }
}

function assertRepoLooksLikeDataset(files: DatasetFiles): void {
  const has = (dir: string) => files.kind(path.join(files.root, dir)) === "directory";
  if (!has("meta") && !has("data")) throw new NoDatasetError(`no LeRobot dataset at ${files.location}: it has neither meta/ nor data/`);
}

function buildReport(ctx: VerifyContext, options: VerifyDatasetOptions, ms: Map<CheckGroup, number>, totalMs: number): VerifyReport {
  const { findings } = ctx;
  const groups: VerifyGroupResult[] = CHECK_GROUPS.map((group) => {
    const errors = findings.count("error", group);
    const warnings = findings.count("warning", group);
    const reason = ctx.skipped.get(group);
    const status = errors > 0 ? "fail" : warnings > 0 ? "warn" : reason !== undefined ? "skipped" : "pass";
    const result: VerifyGroupResult = { group, status, errors, warnings };
    if (reason !== undefined && status === "skipped") result.reason = reason;
    const t = ms.get(group);
    if (t !== undefined) result.ms = round(t);
    return result;
  }).filter((g) => g.group !== "dataset" || g.errors + g.warnings > 0);
  const errors = findings.count("error");
  const warnings = findings.count("warning");
  const valid = errors === 0 && (!options.strict || warnings === 0);
  const total = [...findings.countsByCheck.values()].reduce((a, b) => a + b, 0);
  const info = ctx.info;
  const remote = ctx.files.traffic();
  return {
    schema: VERIFY_REPORT_SCHEMA_ID,
    tool: { name: "lerobot-ts", version },
    dataset: {
      root: ctx.files.location,
      codebaseVersion: info?.codebase_version ?? null,
      robotType: info?.robot_type ?? null,
      fps: info?.fps ?? null,
      episodes: ctx.episodes?.length ?? null,
      frames: ctx.episodes ? ctx.episodes.reduce((n, e) => n + e.length, 0) : null,
      tasks: ctx.tasks?.length ?? null,
      cameras: info ? videoKeys(info.features) : [],
      checkedEpisodes: ctx.checkedEpisodes.length,
    },
    options: { strict: !!options.strict, skipVideos: !!options.skipVideos, deep: !!options.deep, maxEpisodes: options.maxEpisodes ?? null },
    valid,
    verdict: valid ? "valid" : "invalid",
    summary: { errors, warnings, omittedFindings: total - findings.findings.length },
    groups,
    findings: findings.findings,
    countsByCheck: Object.fromEntries(findings.countsByCheck),
    timingsMs: { total: round(totalMs) },
    ...(remote ? { remote } : {}),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
