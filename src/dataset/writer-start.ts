/**
 * What DatasetWriter.create and .resume do before a writer exists: check the options and the
 * folder, build the first info.json; on resume, clean what a killed writer left and read the
 * committed dataset back, with where each kind of file continues.
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetError } from "../errors.js";
import { CLIP_DIR } from "./camera-clips.js";
import type { EpisodeRecord } from "./episodes.js";
import type { FileCursor } from "./file-cursors.js";
import { fileAfter, firstFile } from "./file-cursors.js";
import type { DatasetInfo, Feature } from "./info.js";
import {
  CODEBASE_VERSION, DEFAULT_CHUNKS_SIZE, DEFAULT_DATA_FILES_SIZE_IN_MB, DEFAULT_DATA_PATH, DEFAULT_VIDEO_FILES_SIZE_IN_MB,
  DEFAULT_VIDEO_PATH, INFO_PATH, parseInfo, videoKeys,
} from "./info.js";
import { openDataset } from "./reader.js";
import { trimToCommitted } from "./resume-trim.js";
import type { DatasetStats } from "./stats.js";
import type { DatasetWriterOptions } from "./writer.js";

/** The numbers of DatasetWriterOptions, refused with a DatasetError when out of range. */
export function checkCreateNumbers(options: DatasetWriterOptions): void {
  if (!Number.isInteger(options.fps) || options.fps <= 0) throw new DatasetError(`fps must be a positive integer, got ${options.fps}`);
  for (const [name, value] of [["chunksSize", options.chunksSize], ["dataFilesSizeInMb", options.dataFilesSizeInMb], ["videoFilesSizeInMb", options.videoFilesSizeInMb]] as const) {
    if (value !== undefined && !(value > 0)) throw new DatasetError(`${name} must be positive, got ${value}`);
  }
  if (options.chunksSize !== undefined && !Number.isInteger(options.chunksSize)) throw new DatasetError(`chunksSize must be an integer, got ${options.chunksSize}`);
}

/** info.json of a new dataset with no episodes. */
export function newDatasetInfo(options: DatasetWriterOptions, features: Record<string, Feature>): DatasetInfo {
  const hasVideo = videoKeys(features).length > 0;
  // In LeRobot v0.6's order (datasets/utils.py DatasetInfo, feature_utils.py create_empty_dataset_info).
  return {
    codebase_version: CODEBASE_VERSION,
    fps: options.fps,
    features,
    total_episodes: 0,
    total_frames: 0,
    total_tasks: 0,
    chunks_size: options.chunksSize ?? DEFAULT_CHUNKS_SIZE,
    data_files_size_in_mb: options.dataFilesSizeInMb ?? DEFAULT_DATA_FILES_SIZE_IN_MB,
    video_files_size_in_mb: options.videoFilesSizeInMb ?? DEFAULT_VIDEO_FILES_SIZE_IN_MB,
    data_path: DEFAULT_DATA_PATH,
    video_path: hasVideo ? DEFAULT_VIDEO_PATH : null,
    robot_type: options.robotType ?? null,
    splits: {},
  };
}

/** A dataset as a resumed writer continues it. */
export interface ResumedDataset {
  info: DatasetInfo;
  tasks: string[];
  stats: DatasetStats | undefined;
  /** Where new rows, episode rows and clips go: the files after the last episode's (LeRobot never grows a file on resume). */
  dataCursor: FileCursor;
  metaCursor: FileCursor;
  cameraCursors: Record<string, FileCursor>;
}

/**
 * Clean what a killed writer left (clips, staged files, anything past info.json, the commit
 * point) and read the committed dataset. Call with the writer lock held.
 */
export async function readForResume(root: string): Promise<ResumedDataset> {
  await fs.promises.rm(path.join(root, CLIP_DIR), { recursive: true, force: true });
  await removeStagedFiles(root);
  const infoFile = path.join(root, INFO_PATH);
  // info.json is the commit point: drop what a save killed before its commit left behind.
  const committedInfo = await readBareInfo(infoFile);
  if (committedInfo) await trimToCommitted(root, committedInfo);
  let info: DatasetInfo;
  let tasks: string[] = [];
  let stats: DatasetStats | undefined;
  let last: EpisodeRecord | undefined;
  try {
    const dataset = await openDataset(root);
    info = dataset.info;
    tasks = dataset.tasks;
    stats = dataset.stats;
    last = dataset.episodes[dataset.episodes.length - 1];
    if (dataset.episodes.length !== info.total_episodes) {
      throw new DatasetError(`${infoFile} says ${info.total_episodes} episodes but meta/episodes holds ${dataset.episodes.length}`, { file: infoFile });
    }
  } catch (error) {
    // A dataset created but never saved has only info.json.
    const bare = await readBareInfo(infoFile);
    if (!bare || bare.total_episodes !== 0) throw error;
    info = bare;
  }
  const after = (chunk: number, file: number): FileCursor => fileAfter(chunk, file, info.chunks_size);
  const cameraCursors: Record<string, FileCursor> = {};
  for (const key of videoKeys(info.features)) {
    const loc = last?.videos[key];
    cameraCursors[key] = loc ? after(loc.chunkIndex, loc.fileIndex) : firstFile();
  }
  return {
    info, tasks, stats, cameraCursors,
    dataCursor: last ? after(last.dataChunkIndex, last.dataFileIndex) : firstFile(),
    metaCursor: last ? after(last.metaChunkIndex, last.metaFileIndex) : firstFile(),
  };
}

/** create() starts only in a missing or empty folder. */
export async function assertEmptyOrMissing(root: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    throw new DatasetError(`cannot create a dataset at ${root}: ${(error as Error).message}`, { file: root, cause: error });
  }
  if (entries.length > 0) {
    throw new DatasetError(`cannot create a dataset at ${root}: the folder exists and is not empty (resume it instead?)`, { file: root });
  }
}

async function readBareInfo(file: string): Promise<DatasetInfo | undefined> {
  try {
    return parseInfo(JSON.parse(await fs.promises.readFile(file, "utf8")));
  } catch {
    return undefined;
  }
}

/** Remove files a killed writer staged but never renamed into place. */
async function removeStagedFiles(root: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.startsWith(".") && /\.(staged|tmp\.mp4|concat\.txt)$/.test(entry.name)) await fs.promises.rm(full, { force: true });
    }
  };
  for (const sub of ["meta", "data", "videos"]) await walk(path.join(root, sub));
}

