/**
 * The metadata repair relies on to say which rows and files belong to the dataset: info.json,
 * meta/tasks.parquet and meta/episodes, loaded only when verify found no error in them (a
 * metadata file cut short would make the rows of its lost episodes look unreferenced).
 */
import fs from "node:fs";
import path from "node:path";
import type { EpisodeRecord } from "../../dataset/index.js";
import { parseEpisodesTable, INFO_PATH, TASKS_PATH, parseInfo, readParquet, readParquetMetadata, parsePythonJson, listEpisodesFiles, parseTasksTable } from "../../dataset/index.js";
import type { CheckId, VerifyFinding, VerifyReport } from "../../verify/index.js";
import type { TrustedMetadata } from "./types.js";

/** info.json findings that are derived counts repair recomputes, not damage to the metadata. */
export const INFO_TOTALS: CheckId[] = ["info.total_episodes", "info.total_frames", "info.total_tasks", "info.splits"];

export async function loadTrustedMetadata(root: string, report: VerifyReport, findings: VerifyFinding[]): Promise<TrustedMetadata | { untrusted: string }> {
  const damage = findings.filter((f) => f.severity === "error" && ["info", "tasks", "episodes"].includes(f.group) && !INFO_TOTALS.includes(f.check as CheckId));
  if (damage.length > 0) {
    const checks = [...new Set(damage.map((f) => f.check))].join(", ");
    return { untrusted: `the metadata itself has errors (${checks}), so repair cannot tell which rows and files belong to the dataset` };
  }
  const skipped = report.groups.find((g) => (g.group === "episodes" || g.group === "tasks") && g.status === "skipped");
  if (skipped) return { untrusted: `verify could not check ${skipped.group}: ${skipped.reason ?? "skipped"}` };
  try {
    const info = parseInfo(parsePythonJson(await fs.promises.readFile(path.join(root, INFO_PATH), "utf8")));
    const tasksFile = path.join(root, TASKS_PATH);
    const tasks = parseTasksTable(await readParquet(tasksFile), (await readParquetMetadata(tasksFile)).keyValue.get("pandas"));
    const episodes: EpisodeRecord[] = [];
    for (const file of await listEpisodesFiles(root)) episodes.push(...parseEpisodesTable(await readParquet(file)));
    return { info, tasks, episodes };
  } catch (error) {
    return { untrusted: `the metadata could not be read again: ${(error as Error).message.split("\n")[0]}` };
  }
}
