/**
 * Before a resumed writer goes on (and when repair tidies an unfinished save): put the dataset
 * back to what info.json (the commit point) says, dropping what a save killed before its commit
 * left behind. A save appends its mp4 clips, then switches its files in order (its journal,
 * tasks, data, stats.json, episodes metadata, info.json), so a kill can leave mp4 frames, tasks,
 * data rows, episode rows and stats past the committed ones; each is cut back here, stats.json
 * to the copy the journal kept, and the journal goes last. Every change is a rename of a fully
 * written file (or a removal), and trimming is idempotent, so a kill during the trim is fixed by
 * the next resume.
 */
import fs from "node:fs";
import path from "node:path";
import type { EpisodeRecord } from "./episodes.js";
import { parseEpisodesTable } from "./episodes.js";
import type { DatasetInfo } from "./info.js";
import { STATS_PATH, TASKS_PATH, videoKeys } from "./info.js";
import { ParquetAppender, keepRowGroups } from "./parquet-append.js";
import { encodeParquet, readParquet, readParquetMetadata } from "./parquet.js";
import { formatTemplate, resolveInside } from "./paths.js";
import { listEpisodesFiles } from "./reader.js";
import { aggregateStats, statsToPythonJson } from "./stats.js";
import { buildTasksTable, parseTasksTable } from "./tasks.js";
import { writeFileAtomic } from "./atomic.js";
import { committedStatsText, pendingSave } from "./committed-view.js";
import { SAVE_JOURNAL_PATH, readSaveJournal, removeSaveJournal } from "./save-journal.js";
import { topLevelBoxes } from "./video/mp4-boxes.js";
import { spliceMp4 } from "./video/mp4-splice.js";
import { probeMp4 } from "./video/probe.js";

/** Trim the dataset at `root` to `info`; returns what was changed (relative paths and why). */
export async function trimToCommitted(root: string, info: DatasetInfo): Promise<string[]> {
  const changes: string[] = [];
  const save = pendingSave(await readSaveJournal(root), info);
  const committed = await trimEpisodes(root, info, changes);
  await trimTasks(root, info, changes);
  if (committed.length > 0) {
    await trimDataFiles(root, info, committed, changes);
    for (const key of videoKeys(info.features)) await trimVideos(root, info, key, committed, changes);
  } else {
    // Nothing committed: whatever a killed first save wrote goes (the next save starts file 0 again).
    for (const dir of ["data", "videos"]) {
      if (fs.existsSync(path.join(root, dir))) {
        await fs.promises.rm(path.join(root, dir), { recursive: true, force: true });
        changes.push(`${dir}/: removed (no committed episode)`);
      }
    }
  }
  // stats.json may already count the dropped episode: put back the one the save's journal kept,
  // byte for byte, or else rebuild it from the committed episodes.
  const statsFile = path.join(root, STATS_PATH);
  const stats = committedStatsText(await fs.promises.readFile(statsFile, "utf8").catch(() => undefined), save);
  if (stats.pending && stats.text !== undefined) {
    await writeFileAtomic(statsFile, stats.text);
    changes.push(`${STATS_PATH}: put back as it was before the unfinished save`);
  } else if (stats.pending) {
    await fs.promises.rm(statsFile, { force: true });
    changes.push(`${STATS_PATH}: removed (written by the unfinished first save)`);
  } else if (changes.length > 0 && committed.length > 0) {
    await writeFileAtomic(statsFile, statsToPythonJson(aggregateStats(committed.map((e) => e.stats))));
    changes.push(`${STATS_PATH}: recomputed from the ${committed.length} committed episodes`);
  }
  // Last: until everything above is done, a resume killed midway finds the journal again.
  if (fs.existsSync(path.join(root, SAVE_JOURNAL_PATH))) {
    await removeSaveJournal(root);
    changes.push(`${SAVE_JOURNAL_PATH}: removed${save ? ` (the unfinished save of episode ${save.episodeIndex})` : ""}`);
  }
  return changes;
}

/** Episode rows past total_episodes are dropped; returns the committed ones. */
async function trimEpisodes(root: string, info: DatasetInfo, changes: string[]): Promise<EpisodeRecord[]> {
  const committed: EpisodeRecord[] = [];
  const files = fs.existsSync(path.join(root, "meta", "episodes")) ? await listEpisodesFiles(root) : [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const room = info.total_episodes - committed.length;
    if (room <= 0) {
      await fs.promises.rm(file, { force: true });
      changes.push(`${rel}: removed (episodes past total_episodes)`);
      continue;
    }
    const table = await readParquet(file);
    const rows = parseEpisodesTable(table);
    committed.push(...rows.slice(0, room));
    if (rows.length > room) {
      await writeFileAtomic(file, encodeParquet(table.slice(0, room)));
      changes.push(`${rel}: dropped ${rows.length - room} episode rows past total_episodes`);
    }
  }
  return committed;
}

async function trimTasks(root: string, info: DatasetInfo, changes: string[]): Promise<void> {
  const file = path.join(root, TASKS_PATH);
  if (!fs.existsSync(file)) return;
  const tasks = parseTasksTable(await readParquet(file), (await readParquetMetadata(file)).keyValue.get("pandas"));
  if (tasks.length <= info.total_tasks) return;
  await writeFileAtomic(file, encodeParquet(buildTasksTable(tasks.slice(0, info.total_tasks))));
  changes.push(`${TASKS_PATH}: dropped ${tasks.length - info.total_tasks} tasks past total_tasks`);
}

/** The last committed data file keeps its committed row groups only; data files after it go. */
async function trimDataFiles(root: string, info: DatasetInfo, committed: EpisodeRecord[], changes: string[]): Promise<void> {
  const last = committed[committed.length - 1]!;
  const file = resolveInside(root, formatTemplate(info.data_path, { chunk_index: last.dataChunkIndex, file_index: last.dataFileIndex }));
  const rows = committed.filter((e) => e.dataChunkIndex === last.dataChunkIndex && e.dataFileIndex === last.dataFileIndex).reduce((n, e) => n + e.length, 0);
  const bytes = new Uint8Array(await fs.promises.readFile(file));
  const groups = ParquetAppender.fromFile(bytes).rowGroupRows;
  let keep = 0;
  for (let sum = 0; keep < groups.length && sum < rows; keep++) sum += groups[keep]!;
  // Whole row groups (the writer writes one per episode). Dead bytes a save killed before its
  // switch left in the file are harmless, and the file is not appended to again.
  if (keep < groups.length) {
    const trimmed = keepRowGroups(bytes, keep);
    await writeFileAtomic(file, trimmed);
    changes.push(`${path.relative(root, file)}: kept ${rows} committed rows (${bytes.length - trimmed.length} bytes dropped)`);
  }
  await removeLaterFiles(root, (chunk, index) => formatTemplate(info.data_path, { chunk_index: chunk, file_index: index }), last.dataChunkIndex, last.dataFileIndex, changes);
}

/** A camera's last committed mp4 keeps the committed frames only; mp4s after it go. */
async function trimVideos(root: string, info: DatasetInfo, key: string, committed: EpisodeRecord[], changes: string[]): Promise<void> {
  const last = committed[committed.length - 1]!.videos[key];
  if (!last || !info.video_path) return;
  const template = (chunk: number, index: number) => formatTemplate(info.video_path!, { video_key: key, chunk_index: chunk, file_index: index });
  const file = resolveInside(root, template(last.chunkIndex, last.fileIndex));
  await hideShadowedMoovs(file);
  const frames = committed.filter((e) => e.videos[key]?.chunkIndex === last.chunkIndex && e.videos[key]?.fileIndex === last.fileIndex).reduce((n, e) => n + e.length, 0);
  const probe = await probeMp4(file);
  if (probe.frameCount > frames) {
    // A rewrite of the whole file, once per resume after a crash: rare enough to keep simple.
    await spliceMp4(file, [{ file, firstSample: 0, count: frames }]);
    changes.push(`${path.relative(root, file)}: kept the ${frames} committed frames of ${probe.frameCount}`);
  }
  await removeLaterFiles(root, template, last.chunkIndex, last.fileIndex, changes);
}

/**
 * A save killed between revealing its new moov and freeing the old one leaves two; players use
 * the first, so the others are made free space (what the save would have done).
 */
async function hideShadowedMoovs(file: string): Promise<void> {
  const handle = await fs.promises.open(file, "r+");
  try {
    const moovs = (await topLevelBoxes(handle, (await handle.stat()).size)).filter((b) => b.type === "moov");
    for (const box of moovs.slice(1)) await handle.write(Buffer.from("free", "latin1"), 0, 4, box.offset + 4);
  } finally {
    await handle.close();
  }
}

/** Remove files of the template after (chunk, index): a killed save had started them. */
async function removeLaterFiles(root: string, template: (chunk: number, index: number) => string, chunk: number, index: number, changes: string[]): Promise<void> {
  // Paths are chunk-major; look a few files ahead (a save opens at most one new file per kind).
  for (let c = chunk; c <= chunk + 1; c++) {
    for (let i = c === chunk ? index + 1 : 0; i <= (c === chunk ? index + 2 : 1); i++) {
      const file = resolveInside(root, template(c, i));
      if (fs.existsSync(file)) {
        await fs.promises.rm(file, { force: true });
        changes.push(`${path.relative(root, file)}: removed (no committed episode)`);
      }
    }
  }
}
