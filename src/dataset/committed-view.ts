/**
 * The dataset info.json commits, read past what an unfinished save left behind. A save switches
 * tasks, data, stats.json and the episodes metadata before info.json (writer.ts), so until it
 * commits, those files may hold its episode past info.json's totals. With the save's journal
 * (save-journal.ts) each such leftover is recognised exactly (the journal's tasks, rows, episode
 * row, stats) and left out; anything the journal does not describe is kept for the reader or
 * verify to see, so no damage is hidden behind a journal.
 */
import type { EpisodeRecord } from "./episodes.js";
import type { DatasetInfo } from "./info.js";
import { EPISODES_PATH } from "./info.js";
import { formatTemplate } from "./paths.js";
import type { SaveJournal } from "./save-journal.js";
import { sha256 } from "./save-journal.js";

/**
 * The journal of a save info.json has not committed: it started from exactly what info.json
 * says. A journal of a save info.json already counts (killed before removing it) is inert.
 */
export function pendingSave(journal: SaveJournal | undefined, info: DatasetInfo): SaveJournal | undefined {
  if (!journal) return undefined;
  const startedHere = journal.episodeIndex === info.total_episodes && journal.fromIndex === info.total_frames && journal.totalTasks === info.total_tasks;
  return startedHere ? journal : undefined;
}

/** Task texts without the pending save's new tasks, when the file ends with exactly those. */
export function committedTasks(tasks: string[], save: SaveJournal | undefined): { tasks: string[]; pending: number } {
  if (!save || save.newTasks.length === 0 || tasks.length !== save.totalTasks + save.newTasks.length) return { tasks, pending: 0 };
  const tail = tasks.slice(save.totalTasks);
  if (tail.some((t, i) => t !== save.newTasks[i])) return { tasks, pending: 0 };
  return { tasks: tasks.slice(0, save.totalTasks), pending: tail.length };
}

/** Episode rows without the pending save's row, when the last row is exactly that episode. */
export function committedEpisodes(records: EpisodeRecord[], save: SaveJournal | undefined, dataPath: string): { episodes: EpisodeRecord[]; pending?: EpisodeRecord } {
  const last = records[records.length - 1];
  if (!save || !last || records.length !== save.episodeIndex + 1) return { episodes: records };
  const where = (template: string, chunk: number, file: number) => formatTemplate(template, { chunk_index: chunk, file_index: file });
  const isTheSave = last.episodeIndex === save.episodeIndex && last.datasetFromIndex === save.fromIndex &&
    last.length === save.length && last.datasetToIndex === save.fromIndex + save.length &&
    where(EPISODES_PATH, last.metaChunkIndex, last.metaFileIndex) === save.episodesFile &&
    where(dataPath, last.dataChunkIndex, last.dataFileIndex) === save.dataFile;
  return isTheSave ? { episodes: records.slice(0, -1), pending: last } : { episodes: records };
}

/**
 * Whether a run of data rows is the pending save's: in its data file, at the file's end, its
 * episode_index, and exactly its index range.
 */
export function isPendingRun(save: SaveJournal | undefined, run: { file: string; episodeIndex: number; firstIndex: number; rows: number; atEnd: boolean }): boolean {
  return !!save && run.atEnd && run.file === save.dataFile && run.episodeIndex === save.episodeIndex &&
    run.firstIndex === save.fromIndex && run.rows === save.length;
}

/**
 * stats.json as committed: the text before the pending save when the file is the one that save
 * wrote (undefined: there was none), else the file as it is.
 */
export function committedStatsText(text: string | undefined, save: SaveJournal | undefined): { text: string | undefined; pending: boolean } {
  if (!save || text === undefined || sha256(text) !== save.savedStatsSha256) return { text, pending: false };
  return { text: save.committedStats ?? undefined, pending: true };
}
