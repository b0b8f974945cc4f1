/**
 * The end of a save: every file staged where no reader looks yet, then switched into place with
 * one system call each, in the order Python LeRobot needs (docs/ARCHITECTURE.md "Crash safety").
 */
import fs from "node:fs";
import path from "node:path";
import type { AppendedParquetFile, StagedPiece } from "./appended-parquet.js";
import { stageFileAtomic, writeFileAtomic } from "./atomic.js";
import type { EpisodeRowPlace } from "./file-rotation.js";
import type { DatasetInfo } from "./info.js";
import { INFO_PATH, STATS_PATH, TASKS_PATH, toPythonJson } from "./info.js";
import { encodeParquet } from "./parquet.js";
import type { SaveJournal } from "./save-journal.js";
import { removeSaveJournal, sha256, stageSaveJournal } from "./save-journal.js";
import type { SaveStep, SaveTransaction } from "./save-transaction.js";
import { buildTasksTable } from "./tasks.js";

/** What one save writes besides the clips already appended. */
export interface EpisodeFiles {
  /** The journal's description of the save; the stats it replaces and the hash of statsText are added here. */
  journal: Omit<SaveJournal, "committedStats" | "savedStatsSha256" | "pid">;
  /** Every task, the new ones last. */
  tasks: string[];
  /** The episode's rows as a parquet piece, and the data file they are appended to. */
  dataFile: AppendedParquetFile;
  dataBytes: Uint8Array;
  statsText: string;
  /** The episode's metadata row: where it goes and the re-encoded last row group. */
  episodes: EpisodeRowPlace;
  episodesBytes: Uint8Array;
  /** info.json counting the episode: the commit point. */
  info: DatasetInfo;
}

/**
 * Stage and switch the save's files through `transaction` (which undoes them all if any step
 * fails). Resolves, once info.json counts the episode, with the staged pieces of the data and
 * episodes files, for the caller to accept into its in-memory state.
 */
export async function commitEpisodeFiles(root: string, transaction: SaveTransaction, files: EpisodeFiles): Promise<{ dataPiece: StagedPiece; episodesPiece: StagedPiece }> {
  // Stage every file where no reader looks yet, then switch them with one system call each:
  // the save journal, tasks, data, stats.json, the episodes metadata, info.json (the commit
  // point) last; then remove the journal. Python LeRobot v0.6.1 reads each state between as
  // the committed dataset as nearly as separate files allow: LeRobotDataset sizes itself by
  // info.json (lerobot_dataset.py __len__ -> meta.total_frames) and reaches rows, episode rows
  // and tasks by position (dataset_reader.py DatasetReader.get_item: hf_dataset[idx],
  // meta.episodes[ep_idx], tasks.iloc[task_index]), so tasks and rows past info.json's totals
  // are never read. Two files it reads whole cannot switch together with info.json: stats.json
  // (io_utils.py load_stats) and meta/episodes, whose every row lerobot_train.py's
  // EpisodeAwareSampler samples from. The episodes go last before info.json, so a training run
  // could pick up this (complete) episode only during that one system call; stats.json just
  // before them, so for one more it already counts this episode (LeRobot's own save_episode
  // writes info.json first and stats after). info.json cannot go before the episodes: with the
  // episode counted and its row missing, DatasetReader._check_cached_episodes_sufficient raises
  // (get_video_file_path: episode index out of range) and the dataset does not load. Our
  // readers and verify see the committed dataset throughout, through the journal
  // (committed-view.ts); the mp4 frames appended before this belong to no episode until
  // info.json counts it, which verify only warns about. docs/ARCHITECTURE.md "Crash safety".
  transaction.add(await stageSaveJournal(root, {
    ...files.journal,
    committedStats: await fs.promises.readFile(path.join(root, STATS_PATH), "utf8").catch(() => null),
    savedStatsSha256: sha256(files.statsText), pid: process.pid,
  }));
  if (files.journal.newTasks.length > 0 || !fs.existsSync(path.join(root, TASKS_PATH))) {
    transaction.add(await stageReplacement(path.join(root, TASKS_PATH), encodeParquet(buildTasksTable(files.tasks))));
  }
  const dataPiece = await files.dataFile.stage(files.dataBytes);
  transaction.add(dataPiece.step);
  transaction.add(await stageReplacement(path.join(root, STATS_PATH), files.statsText));
  const episodesPiece = await files.episodes.file.stage(files.episodesBytes, files.episodes.keep);
  transaction.add(episodesPiece.step);
  transaction.add(await stageReplacement(path.join(root, INFO_PATH), toPythonJson(files.info)));
  await transaction.commitAll();
  // Committed: the journal is inert now (info.json counts the episode), so failing to remove it harms nothing.
  await removeSaveJournal(root).catch(() => {});
  return { dataPiece, episodesPiece };
}

/** A small file (tasks, stats, info) staged beside its name; undo puts back what was there. */
async function stageReplacement(target: string, content: Uint8Array | string): Promise<SaveStep> {
  const previous = await fs.promises.readFile(target).catch(() => undefined);
  const staged = await stageFileAtomic(target, content);
  return {
    commit: () => staged.commit(),
    undo: async () => {
      if (!staged.committed) await staged.abort();
      else if (previous) await writeFileAtomic(target, previous);
      else await fs.promises.rm(target, { force: true });
    },
  };
}
